import { describe, expect, it } from "vitest";
import { attackKinds } from "../src/forgery.js";
import { shortRun } from "../src/options.js";
import { formatReport } from "../src/report.js";
import { runChaos } from "../src/run-chaos.js";

describe("short chaos run", () => {
  it("loses no payment, charges none twice, misses no event or webhook, applies no forged notice, settles soon after a gateway outage", async () => {
    const report = await runChaos({ ...shortRun }, { log: (line) => console.log(line) });
    console.log(formatReport(report));
    expect(report.submission.accepted).toBe(report.submission.planned);
    expect(report.chaos.filter((a) => a.error)).toEqual([]);
    expect(report.failures).toEqual([]);
    // The attacks were made: every kind reached a notifier, and the baits waited until the POS voided them.
    for (const kind of attackKinds) expect(report.forgery.sent[kind], kind).toBeGreaterThan(0);
    expect(report.forgery.baitStatuses).toEqual({ voided: shortRun.baits });
    expect(report.recovery?.unsettledAtRecovery).toBeGreaterThan(0);
    // Refunds were made while the disruptions went on, and the run's days were reconciled.
    expect(report.refunds.planned).toBeGreaterThan(0);
    expect(report.refunds.heldByShortBalance, "refunds the gateway held while the balance was short").toBeGreaterThan(0);
    expect(report.reconciliation.runs.length).toBeGreaterThan(0);
  });
});
