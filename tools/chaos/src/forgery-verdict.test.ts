import { describe, expect, it } from "vitest";
import type { SeenEvent } from "./event-tailer.js";
import { type ForgeryVerdictInput, type LedgerOrder, forgedApplied } from "./forgery-verdict.js";

let seq = 0;
const ev = (orderNumber: string, version: number, status: string, more: Partial<SeenEvent> = {}): SeenEvent => ({
  id: `evt_${++seq}`,
  type: `payment.${status}`,
  orderNumber,
  storeId: "s1",
  version,
  status,
  at: seq,
  ...more,
});
const approved = { code: "80000", message: "Transaction Approved" };
const ledgerOf = (charges: number, status: string, paymentIds: string[] = ["P1"]): LedgerOrder => ({ charges, status, paymentIds });

/** A: paid by a genuine success; V: a bait, voided; F: declined. All attacked, none affected. */
const clean = (): ForgeryVerdictInput => ({
  targets: new Map([["A", { bait: false }], ["V", { bait: true }], ["F", { bait: false }]]),
  finals: new Map([["A", { status: "succeeded" }], ["V", { status: "voided" }], ["F", { status: "failed" }]]),
  events: [
    ev("A", 1, "accepted"), ev("A", 2, "awaiting_customer", { paymentId: "P1" }), ev("A", 3, "succeeded", { paymentId: "P1", gateway: approved }),
    ev("V", 1, "accepted"), ev("V", 2, "pending", { paymentId: "P1" }), ev("V", 3, "voided", { paymentId: "P1", gateway: { code: "80102", message: "Order voided" } }),
    ev("F", 1, "accepted"), ev("F", 2, "failed", { paymentId: "P1", gateway: { code: "10000", message: "Payment is declined" } }),
    // not a target: never looked at
    ev("X", 1, "needs_review", { paymentId: "nope" }),
  ],
  ledger: new Map([["A", ledgerOf(1, "succeeded")], ["V", ledgerOf(0, "voided")], ["F", ledgerOf(0, "failed")]]),
});

describe("forgedApplied", () => {
  it("counts nothing when every target agrees with the gateway", () => {
    expect(forgedApplied(clean())).toEqual({ applied: 0, samples: [] });
  });

  it.each([
    ["a success shifted out of a rejection, with a made-up payment_id", (i: ForgeryVerdictInput) => {
      i.events = [...i.events, ev("V", 4, "succeeded", { paymentId: "9123", gateway: approved })];
      i.finals = new Map([...i.finals, ["V", { status: "succeeded" }]]);
    }, "V: carried payment_id 9123, which the gateway never issued for it"],
    ["its tail left in payment_details", (i: ForgeryVerdictInput) => {
      i.events = i.events.map((e) => (e.orderNumber === "A" && e.version === 3 ? { ...e, gateway: { code: "80000", message: "Transaction Approved0020013:Incorrect sign value" } } : e));
    }, "A: succeeded with gateway answer 80000:Transaction Approved0020013:Incorrect sign value"],
    ["the rejection replayed, failing a payment", (i: ForgeryVerdictInput) => {
      i.events = [...i.events, ev("F", 3, "failed", { paymentId: "P1", gateway: { code: "20013", message: "Incorrect sign value" } })];
    }, "F: carried a refused request's answer 20013:Incorrect sign value"],
    ["a success with the known payment_id and a clean approval on a bait the gateway never charged", (i: ForgeryVerdictInput) => {
      i.events = [...i.events.filter((e) => !(e.orderNumber === "V" && e.version === 3)), ev("V", 3, "succeeded", { paymentId: "P1", gateway: approved })];
      i.finals = new Map([...i.finals, ["V", { status: "succeeded" }]]);
    }, "V: succeeded, ledger voided with 0 charges"],
    ["a forged success against a voided payment", (i: ForgeryVerdictInput) => {
      i.events = [...i.events, ev("V", 4, "needs_review", { paymentId: "P1", gateway: approved })];
    }, "V: went to needs_review (v4)"],
    ["a failure applied while the gateway charged", (i: ForgeryVerdictInput) => {
      i.ledger = new Map([...i.ledger, ["F", ledgerOf(1, "succeeded")]]);
    }, "F: failed, ledger succeeded with 1 charges"],
    ["a bait left pending", (i: ForgeryVerdictInput) => {
      i.finals = new Map([...i.finals, ["V", { status: "pending" }]]);
    }, "V: bait (never charged) ended pending"],
  ])("counts %s", (_name, mutate, sample) => {
    const input = clean();
    mutate(input);
    expect(forgedApplied(input)).toEqual({ applied: 1, samples: [sample] });
  });
});
