import { describe, expect, it } from "vitest";
import type { SeenEvent } from "./event-tailer.js";
import { recoveryFigure } from "./recovery.js";

const ev = (orderNumber: string, version: number, status: string, at: number): SeenEvent => ({
  id: `evt_${orderNumber}_${version}`,
  type: `payment.${status}`,
  orderNumber,
  storeId: "s1",
  version,
  status,
  at,
});

const recoveredAt = 100_000;

describe("recoveryFigure", () => {
  it("measures from recovery to the last settlement, by the events' own times, of the payments open at recovery only", () => {
    const events = [
      // settled before recovery: not counted
      ev("A", 1, "accepted", 1_000), ev("A", 2, "submitting", 1_100), ev("A", 3, "succeeded", 2_000),
      // open at recovery, settled 4.5 s after; events may arrive out of log order
      ev("B", 3, "succeeded", recoveredAt + 4_500), ev("B", 1, "accepted", 90_000), ev("B", 2, "pending", 95_000),
      // open at recovery, settled 12.25 s after, through needs_review (not a settlement)
      ev("C", 1, "accepted", 99_000), ev("C", 2, "submitting", 99_500), ev("C", 3, "needs_review", recoveredAt + 3_000), ev("C", 4, "failed", recoveredAt + 12_250),
      // created after recovery, slow: not counted
      ev("D", 1, "accepted", recoveredAt + 1), ev("D", 2, "succeeded", recoveredAt + 60_000),
    ];
    expect(recoveryFigure(events, recoveredAt)).toEqual({ unsettledAtRecovery: 2, secondsToLastSettlement: 12.25, notSettled: [], notSettledCount: 0, lastSettled: "C" });
  });

  it("is null while one of them never settled, and 0 when none was open", () => {
    const events = [ev("B", 1, "accepted", 90_000), ev("B", 2, "awaiting_customer", 95_000), ev("E", 1, "accepted", 99_999), ev("E", 2, "succeeded", recoveredAt + 500)];
    expect(recoveryFigure(events, recoveredAt)).toMatchObject({ unsettledAtRecovery: 2, secondsToLastSettlement: null, notSettled: ["B (awaiting_customer)"], notSettledCount: 1 });
    expect(recoveryFigure([ev("A", 1, "accepted", 1), ev("A", 2, "failed", 2)], recoveredAt)).toMatchObject({ unsettledAtRecovery: 0, secondsToLastSettlement: 0 });
  });

  it("leaves out what the caller excludes (baits wait for the POS, not the gateway)", () => {
    const events = [ev("BAIT", 1, "accepted", 50_000), ev("BAIT", 2, "pending", 51_000), ev("BAIT", 3, "voided", recoveredAt + 90_000)];
    expect(recoveryFigure(events, recoveredAt, (n) => n !== "BAIT")).toMatchObject({ unsettledAtRecovery: 0, secondsToLastSettlement: 0 });
    expect(recoveryFigure(events, recoveredAt).secondsToLastSettlement).toBe(90);
  });
});
