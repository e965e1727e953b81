import { describe, expect, it } from "vitest";
import type { SeenEvent } from "./event-tailer.js";
import { type PaymentFacts, type VerifyInput, typeMatches, verify } from "./verify.js";

const ev = (id: number, orderNumber: string, version: number, status: string, storeId = "s1"): SeenEvent => ({
  id: `evt_${id}-0`,
  type: `payment.${status}`,
  orderNumber,
  storeId,
  version,
  status,
  at: id,
});
const paid = (orderNumber: string, over: Partial<PaymentFacts> = {}): PaymentFacts => ({
  orderNumber,
  storeId: "s1",
  accepted: true,
  expected: ["succeeded"],
  final: { status: "succeeded", version: 3 },
  ...over,
});
const charged = (charges: number) => ({ charges, status: charges > 0 ? "succeeded" : "failed", paymentIds: [] });
const clean = (): VerifyInput => ({
  payments: [paid("A")],
  ledger: new Map([["A", charged(1)]]),
  attackTargets: new Map(),
  events: [ev(1, "A", 1, "accepted"), ev(2, "A", 2, "submitting"), ev(3, "A", 3, "succeeded")],
  subscribers: [{ name: "hooks", events: ["payment.succeeded"], received: new Map([["evt_3-0", { deliveries: 2 }]]), unverifiable: 0 }],
  unexpectedIntakeAnswers: 0,
});

describe("verify", () => {
  it("passes a clean run and counts duplicate deliveries without failing", () => {
    const v = verify(clean());
    expect(v.failures).toEqual([]);
    expect(v.counts.webhooks.hooks).toEqual({ expected: 1, missing: 0, unverifiable: 0, unexpected: 0, duplicates: 1 });
  });

  it("flags a lost payment, a double charge and a charge behind a failed payment", () => {
    const input = clean();
    input.payments = [paid("A"), paid("B", { final: undefined }), paid("C", { expected: ["failed"], final: { status: "failed", version: 1 } })];
    input.ledger = new Map([["A", charged(2)], ["C", charged(1)]]);
    input.events = [...input.events, ev(4, "C", 1, "failed")];
    const v = verify(input);
    expect(v.counts).toMatchObject({ lost: 1, chargedMoreThanOnce: 1, succeededWithoutOneCharge: 1, chargedButNotSucceeded: 1 });
    expect(v.samples.lost).toEqual(["B"]);
  });

  it("flags missing, duplicated and out-of-order events and a payment left pending", () => {
    const input = clean();
    input.events = [ev(1, "A", 2, "submitting"), ev(2, "A", 2, "submitting"), ev(3, "A", 3, "succeeded")];
    input.payments = [paid("A"), paid("P", { final: { status: "pending", version: 3 } })];
    const v = verify(input);
    expect(v.counts.eventsMissing).toBe(1 + 3);
    expect(v.counts.eventsDuplicated).toBe(1);
    expect(v.counts.eventsOutOfOrder).toBe(1);
    expect(v.counts.notFinal).toBe(1);
  });

  it("flags webhooks missing, unverifiable or outside the subscription", () => {
    const input = clean();
    input.subscribers = [
      { name: "s2only", events: ["payment.*"], storeIds: ["s2"], received: new Map([["evt_1-0", { deliveries: 1 }]]), unverifiable: 2 },
      { name: "all", events: ["payment.*"], received: new Map(), unverifiable: 0 },
    ];
    const v = verify(input);
    expect(v.failures).toEqual(["webhooks.s2only.unverifiable", "webhooks.s2only.unexpected", "webhooks.all.missing"]);
    expect(v.counts.webhooks.all?.missing).toBe(3);
  });

  it("fails the run on a forged notice applied to a target, with its reason", () => {
    const input = clean();
    input.attackTargets = new Map([["A", { bait: false }]]);
    expect(verify(input).failures).toEqual([]);
    input.events = input.events.map((e) => (e.version === 3 ? { ...e, paymentId: "9000" } : e));
    const v = verify(input);
    expect(v.counts.forgedApplied).toBe(1);
    expect(v.failures).toEqual(["forgedApplied"]);
    expect(v.samples.forgedApplied).toEqual(["A: carried payment_id 9000, which the gateway never issued for it"]);
  });

  it("matches the contract's event patterns", () => {
    expect(typeMatches(["payment.*"], "payment.voided")).toBe(true);
    expect(typeMatches(["payment.succeeded"], "payment.failed")).toBe(false);
  });
});
