import { describe, expect, it } from "vitest";
import { type CheckedRun, reconciliationVerdict } from "./reconciliation-check.js";

const run = (discrepancies: CheckedRun["terminals"][number]["discrepancies"], over: Partial<CheckedRun> = {}): CheckedRun => ({
  id: "rec_1",
  date: "2026-03-01",
  status: "completed",
  terminals: [{ matched: [{ currency: "USD", count: 10 }], discrepancies }],
  ...over,
});

describe("the chaos run's reconciliation verdict", () => {
  it("passes when the planted charge is the one discrepancy, missing_here", () => {
    expect(reconciliationVerdict([run([{ kind: "missing_here", orderNumber: "O" }])], "O")).toMatchObject({ failures: [], matched: 10 });
  });

  it.each([
    ["the planted charge not found", [run([])], /reported 0 times \(never\)/],
    ["the planted charge under another kind", [run([{ kind: "status_mismatch", orderNumber: "O" }])], /status_mismatch\), not once/],
    ["another discrepancy", [run([{ kind: "missing_here", orderNumber: "O" }, { kind: "missing_there", orderNumber: "A" }])], /1 discrepancies besides .*missing_there A/],
    ["a failed run", [run([{ kind: "missing_here", orderNumber: "O" }]), run([], { status: "failed", error: "page 1 unusable", terminals: [] })], /failed: page 1 unusable/],
  ])("fails for %s", (_what, runs, message) => {
    expect(reconciliationVerdict(runs, "O").failures.join("; ")).toMatch(message);
  });
});
