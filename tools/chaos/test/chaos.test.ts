import { describe, expect, it } from "vitest";
import { shortRun } from "../src/options.js";
import { formatReport } from "../src/report.js";
import { runChaos } from "../src/run-chaos.js";

describe("short chaos run", () => {
  it("loses no payment, charges none twice, misses no event or webhook through crashes, a Redis restart and every fault", async () => {
    const report = await runChaos({ ...shortRun }, { log: (line) => console.log(line) });
    console.log(formatReport(report));
    expect(report.submission.accepted).toBe(shortRun.payments);
    expect(report.chaos.filter((a) => a.error)).toEqual([]);
    expect(report.failures).toEqual([]);
  });
});
