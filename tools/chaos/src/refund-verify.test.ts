import { describe, expect, it } from "vitest";
import type { SeenEvent } from "./event-tailer.js";
import { seededRandom } from "./options.js";
import { type PlannedRefund, type RefundSubmission, planRefunds } from "./refund-plan.js";
import { type RefundFacts, verifyRefunds } from "./refund-verify.js";

const event = (orderNumber: string, status: string): SeenEvent => ({ id: `evt_${Math.random()}`, type: `refund.${status}`, orderNumber, storeId: "s", version: 1, status, at: 0 });
const created: RefundSubmission = { created: 1, replayed: 0, exceeded: 0, unexpected: [] };
const refund = (refundNumber: string, extra: Partial<PlannedRefund> = {}): PlannedRefund => ({
  orderNumber: "O1",
  apiKey: "k",
  refundNumber,
  amount: "1.00",
  kind: "partial",
  copies: 1,
  exceeds: false,
  ...extra,
});

function facts(change: Partial<RefundFacts> = {}): RefundFacts {
  return {
    plan: [refund("R1"), refund("R2", { exceeds: true, kind: "exceeding" })],
    submissions: new Map([
      ["R1", created],
      ["R2", { created: 0, replayed: 0, exceeded: 1, unexpected: [] }],
    ]),
    finals: new Map([["R1", "succeeded"]]),
    ledger: [{ orderNumber: "O1", charged: "5.00", refunded: "1.00", refunds: [{ refundNumber: "R1", status: "succeeded" }] }],
    events: [event("O1", "accepted"), event("O1", "submitting"), event("O1", "pending"), event("O1", "succeeded")],
    ...change,
  };
}

describe("refund checks of a chaos run", () => {
  it("a clean run counts nothing", () => {
    expect(verifyRefunds(facts()).failures).toEqual([]);
  });

  it("counts each way money or a refund can go wrong", () => {
    const v = verifyRefunds(
      facts({
        finals: new Map([
          ["R2", "pending"],
        ]),
        ledger: [{ orderNumber: "O1", charged: "5.00", refunded: "6.00", refunds: [{ refundNumber: "R1", status: "succeeded" }, { refundNumber: "R1", status: "pending" }] }],
        events: [],
      }),
    );
    expect(v.counts).toEqual({ refundsLost: 1, refundsFiledTwice: 1, refundedMoreThanCharged: 1, refundsNotFinal: 0, refundEventsMissing: 0, refundUnexpectedAnswers: 1 });
    expect(verifyRefunds(facts({ finals: new Map([["R1", "needs_review"]]) })).counts.refundsNotFinal).toBe(1);
    expect(verifyRefunds(facts({ events: [event("O1", "accepted")] })).counts.refundEventsMissing).toBe(1);
  });

  it("plans every kind, never more than a payment's amount but for the deliberate excess", () => {
    const payments = Array.from({ length: 200 }, (_, i) => ({ orderNumber: `O${i}`, apiKey: "k", amount: `${1 + (i % 50)}.${String(i % 100).padStart(2, "0")}` }));
    const plan = planRefunds(payments, seededRandom(7), 0.5);
    expect(new Set(plan.map((r) => r.kind))).toEqual(new Set(["full", "partial", "several", "duplicate", "exceeding"]));
    for (const p of payments) {
      const taken = plan.filter((r) => r.orderNumber === p.orderNumber && !r.exceeds).reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0);
      expect(taken).toBeLessThanOrEqual(Math.round(Number(p.amount) * 100));
    }
    expect(plan.filter((r) => r.exceeds).every((r) => r.amount === "0.01")).toBe(true);
  });
});
