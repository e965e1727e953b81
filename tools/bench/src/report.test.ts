import { describe, expect, it } from "vitest";
import { refundsFigures } from "./phases/refunds-phase.js";
import { type Figures, cpuPerOperation, cpuPerOperationTable, markdownTable, targets, verdict } from "./report.js";

describe("verdict", () => {
  it("compares against the target's direction; NaN fails", () => {
    expect(verdict(4100, { op: ">=", value: 4000 })).toBe("pass");
    expect(verdict(3999, { op: ">=", value: 4000 })).toBe("FAIL");
    expect(verdict(20, { op: "<=", value: 20 })).toBe("pass");
    expect(verdict(Number.NaN, { op: "<=", value: 20 })).toBe("FAIL");
    expect(verdict(5, undefined)).toBe("");
  });
});

describe("cpuPerOperation", () => {
  it("divides each process's CPU by what the phase pushed through, and leaves out phases without a count", () => {
    const cpu = { e2e: { wallMs: 9000, intake: 400, redis: 600 }, notices: { wallMs: 100, notifier: 50 } };
    const per = cpuPerOperation(cpu, { e2e: 200, notices: undefined });
    expect(per).toEqual({ e2e: { intake: 2, redis: 3, total: 5 } });
    expect(cpuPerOperationTable(per, { e2e: 200 }).split("\n")).toEqual([
      "| CPU ms per operation | operations | intake | redis | total |",
      "|---|---:|---:|---:|---:|",
      "| e2e | 200 | 2 | 3 | 5 |",
    ]);
  });
});

describe("outage figure", () => {
  it("is held to at most 30 s from recovery to the last settlement; a payment that never settled (NaN) fails", () => {
    expect(targets["outage.secondsToLastSettlement"]).toEqual({ op: "<=", value: 30 });
    const row = (seconds: number) =>
      markdownTable({ "outage.secondsToLastSettlement": seconds } as Figures, { "outage.secondsToLastSettlement": "180 payments" })
        .split("\n")
        .find((line) => line.startsWith("| outage."));
    expect(row(19.024)).toBe("| outage.secondsToLastSettlement | 19 | <= 30 | pass | 180 payments |");
    expect(row(31.5)).toBe("| outage.secondsToLastSettlement | 31.5 | <= 30 | FAIL | 180 payments |");
    expect(row(Number.NaN)).toBe("| outage.secondsToLastSettlement | n/a | <= 30 | FAIL | 180 payments |");
  });
});

describe("refunds figures", () => {
  it("are held to at least 500 refunds/s; not measured is n/a and fails", () => {
    expect(targets["refunds.perSec"]).toEqual({ op: ">=", value: 500 });
    const rows = markdownTable(refundsFigures(undefined) as Figures).split("\n").filter((line) => line.startsWith("| refunds."));
    expect(rows).toEqual(["| refunds.perSec | n/a | >= 500 | FAIL |  |", "| refunds.p99Ms | n/a |  |  |  |"]);
  });
});
