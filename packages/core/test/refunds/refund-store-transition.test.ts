import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { PaymentStore } from "../../src/payments/index.js";
import { redisKeys } from "../../src/redis/index.js";
import { type Refund, type RefundChange, RefundStore, refundMember } from "../../src/refunds/index.js";
import { account, newRefund, paymentIn, refundEvents as streamRefundEvents, refundRef, totals } from "./refund-fixtures.js";

const filed = { to: "pending", source: "payer", set: { refundId: "240527141702000000042", gateway: { code: "80000", message: "Transaction Approved" } } } as const;
const paid = { to: "succeeded", source: "query", code: "80000", set: { gateway: { code: "80000", message: "Transaction Approved" } } } as const;
const refused = { to: "failed", source: "query", code: "80103", set: { gateway: { code: "80103", message: "Refund failed: insufficient balance" } } } as const;

describe("RefundStore.transition", () => {
  const redis = useRedis();
  const keys = () => redisKeys(redis.prefix);

  async function setup(orderNumber: string, amounts: readonly string[] = ["4.00"]) {
    const payments = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    const refunds = new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix });
    const payment = await paymentIn(payments, orderNumber, { amount: "10.00" });
    const refs = [];
    for (const [i, amount] of amounts.entries()) {
      await refunds.create(newRefund(payment, `R-${i + 1}`, amount));
      refs.push(refundRef(payment, `R-${i + 1}`));
    }
    const paymentKey = keys().payment(account, orderNumber);
    return { payments, refunds, payment, refs, paymentKey };
  }
  const refundEvents = async (refundNumber: string) => (await streamRefundEvents(redis.client(), keys().events)).filter((e) => e.data.refundNumber === refundNumber);

  it("moves along the state machine with history, one event per step and the version growing by one", async () => {
    const { refunds, refs } = await setup("T1");
    const ref = refs[0] as (typeof refs)[0];
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(ref, filed);
    const result = await refunds.transition(ref, paid);
    expect(result).toMatchObject({ outcome: "applied", refund: { status: "succeeded", version: 4, refundId: "240527141702000000042", gateway: { code: "80000" } } });
    const stored = await refunds.get(ref);
    expect(stored?.history.map((h) => [h.status, h.source])).toEqual([["accepted", "intake"], ["submitting", "payer"], ["pending", "payer"], ["succeeded", "query"]]);
    expect((await refundEvents("R-1")).map((e) => [e.type, e.data.version])).toEqual([
      ["refund.accepted", 1], ["refund.submitting", 2], ["refund.pending", 3], ["refund.succeeded", 4],
    ]);
    expect(await refunds.acceptedBefore(new Date(Date.now() + 60_000))).toEqual([]);
  });

  it("refuses what the state machine forbids and moves nothing twice", async () => {
    const { refunds, refs } = await setup("T2");
    const ref = refs[0] as (typeof refs)[0];
    expect(await refunds.transition(ref, { to: "pending", source: "payer" })).toMatchObject({ outcome: "unchanged", reason: "not_allowed" });
    expect(await refunds.transition(ref, { to: "accepted", source: "payer" })).toMatchObject({ outcome: "unchanged", reason: "same_status" });
    expect(await refunds.transition({ ...ref, refundNumber: "NONE" }, { to: "submitting", source: "payer" })).toEqual({ outcome: "not_found" });
    expect(await refundEvents("R-1")).toHaveLength(1);
  });

  it("a succeeded refund adds to the payment's refunded amount in the same step; a failed one frees its amount", async () => {
    const { payments, refunds, payment, refs, paymentKey } = await setup("T3", ["4.00", "5.00"]);
    const [r1, r2] = refs as [(typeof refs)[0], (typeof refs)[0]];
    expect(await totals(redis.client(), paymentKey)).toEqual({ refunded: null, held: "900", open: "2" });
    for (const ref of [r1, r2]) await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(r1, paid);
    await refunds.transition(r2, refused);
    expect(await totals(redis.client(), paymentKey)).toEqual({ refunded: "400", held: "400", open: "0" });
    expect(await payments.get(payment)).toMatchObject({ refundedAmount: "4.00", refundableAmount: "6.00" });
    // The freed amount may be refunded again.
    expect(await refunds.create(newRefund(payment, "R-3", "6.00"))).toMatchObject({ outcome: "created" });
    expect(await payments.get(payment)).toMatchObject({ refundedAmount: "4.00", refundableAmount: "0.00" });
  });

  it("a final status never changes: neither by the state machine nor by a stale copy", async () => {
    const { refunds, refs, paymentKey } = await setup("T4", ["4.00", "5.00"]);
    const [r1, r2] = refs as [(typeof refs)[0], (typeof refs)[0]];
    for (const ref of [r1, r2]) await refunds.transition(ref, { to: "submitting", source: "payer" });
    const stale = (await refunds.get(r1)) as Refund;
    await refunds.transition(r1, paid);
    await refunds.transition(r2, refused);
    for (const change of [refused, { to: "needs_review", source: "payer" }, { to: "pending", source: "notice" }] as RefundChange[]) {
      expect(await refunds.transition(r1, change)).toMatchObject({ outcome: "unchanged", reason: "final", refund: { status: "succeeded" } });
      // The caller's copy still says `submitting`: the script refuses it, and the answer is the stored refund.
      expect(await refunds.transition(r1, change, { current: stale })).toMatchObject({ outcome: "unchanged", reason: "final", refund: { status: "succeeded", version: 3 } });
    }
    expect(await refunds.transition(r2, { to: "pending", source: "notice" })).toMatchObject({ outcome: "unchanged", reason: "final" });
    expect(await totals(redis.client(), paymentKey)).toEqual({ refunded: "400", held: "400", open: "0" });
    expect((await refundEvents("R-1")).map((e) => e.type)).toEqual(["refund.accepted", "refund.submitting", "refund.succeeded"]);
  });

  it("two concurrent settlements of one refund: one applies, the payment counts it once", async () => {
    const { refunds, refs, paymentKey } = await setup("T5");
    const ref = refs[0] as (typeof refs)[0];
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(ref, filed);
    const racers = Array.from({ length: 8 }, () => new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix }));
    const results = await Promise.all(racers.map((s, i) => s.transition(ref, i % 2 === 0 ? paid : { ...paid, source: "notice" })));
    expect(results.filter((r) => r.outcome === "applied")).toHaveLength(1);
    expect(await totals(redis.client(), paymentKey)).toEqual({ refunded: "400", held: "400", open: "0" });
    expect((await refundEvents("R-1")).filter((e) => e.type === "refund.succeeded")).toHaveLength(1);
  });

  it("a gateway success for a failed refund: needs_review with both facts, its amount held again, out of the schedule, until an operator settles it", async () => {
    const { payments, refunds, payment, refs, paymentKey } = await setup("T6", ["4.00"]);
    const ref = refs[0] as (typeof refs)[0];
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(ref, filed, { reconcile: { dueAt: 5_000 } });
    await refunds.transition(ref, refused, { reconcile: "remove" });
    expect(await totals(redis.client(), paymentKey)).toMatchObject({ held: "0", open: "0" });
    // Meanwhile the freed amount went to another refund: the contradiction is recorded all the same.
    await refunds.create(newRefund(payment, "R-2", "8.00"));
    await redis.client().zadd(keys().refundReconcile, 1_000, refundMember(ref));

    const success = { ...paid, set: { ...paid.set, refundId: "240527141702000000099" } };
    const result = await refunds.transition(ref, success, { reconcile: { dueAt: 0 } });
    expect(result).toMatchObject({ outcome: "applied", refund: { status: "needs_review", version: 5, gateway: { code: "80000" } } });
    const last = (await refunds.get(ref))?.history.at(-1);
    expect(last).toMatchObject({ status: "needs_review", source: "query", code: "80000", refundId: "240527141702000000099" });
    expect(last?.reason).toContain("success (refund_id 240527141702000000099, code 80000) for a refund held as failed (refund_id 240527141702000000042, code 80103)");
    expect(await totals(redis.client(), paymentKey)).toMatchObject({ refunded: null, held: "1200", open: "2" });
    expect(await payments.get(payment)).toMatchObject({ refundableAmount: "0.00" });
    expect(await refunds.create(newRefund(payment, "R-3", "0.01"))).toMatchObject({ outcome: "exceeds_payment", refundableAmount: "0.00" });
    expect(await redis.client().zscore(keys().refundReconcile, refundMember(ref))).toBeNull();
    expect(await refunds.awaitsOperator(ref)).toBe(true);
    expect(await refunds.contradictionCount()).toBe(1);

    for (const change of [paid, refused] as RefundChange[]) {
      expect(await refunds.transition(ref, change)).toMatchObject({ outcome: "unchanged", reason: "awaiting_operator" });
    }
    const settled = await refunds.transition(ref, { to: "succeeded", source: "operator", reason: "paid out, confirmed with Oceanpayment" });
    expect(settled).toMatchObject({ outcome: "applied", refund: { status: "succeeded", version: 6 } });
    expect(await refunds.awaitsOperator(ref)).toBe(false);
    expect(await refunds.contradictionCount()).toBe(0);
    expect(await totals(redis.client(), paymentKey)).toMatchObject({ refunded: "400", held: "1200", open: "1" });
  });

  it("an operator ending a contradiction as failed frees the amount again", async () => {
    const { refunds, refs, paymentKey } = await setup("T7", ["4.00"]);
    const ref = refs[0] as (typeof refs)[0];
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(ref, refused);
    await refunds.transition(ref, paid);
    expect(await totals(redis.client(), paymentKey)).toMatchObject({ held: "400", open: "1" });
    await refunds.transition(ref, { to: "failed", source: "operator", reason: "no payout at the gateway" });
    expect(await totals(redis.client(), paymentKey)).toEqual({ refunded: null, held: "0", open: "0" });
  });

  it("schedules or removes the refund's check in the same step, only when applied", async () => {
    const { refunds, refs } = await setup("T8");
    const ref = refs[0] as (typeof refs)[0];
    const member = refundMember(ref);
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    await refunds.transition(ref, filed, { reconcile: { dueAt: 60_000 } });
    expect(await redis.client().zscore(keys().refundReconcile, member)).toBe("60000");
    expect(await refunds.transition(ref, filed, { reconcile: "remove" })).toMatchObject({ outcome: "unchanged" });
    expect(await redis.client().zscore(keys().refundReconcile, member)).toBe("60000");
    await refunds.transition(ref, paid, { reconcile: "remove" });
    expect(await redis.client().zscore(keys().refundReconcile, member)).toBeNull();
    expect(await redis.client().hexists(keys().refundReconcileChecks, member)).toBe(0);
  });

  it("counts applyRefund sends only while submitting, once per expected count", async () => {
    const { refunds, refs } = await setup("T9");
    const ref = refs[0] as (typeof refs)[0];
    expect(await refunds.recordSend(ref)).toEqual({ recorded: false, reason: "not_submitting" });
    expect(await refunds.sendSnapshot(ref)).toMatchObject({ sends: 0, sentAt: undefined });
    await refunds.transition(ref, { to: "submitting", source: "payer" });
    const before = Date.now();
    const racers = await Promise.all([0, 1, 2].map(() => refunds.recordSend(ref, 0)));
    expect(racers.filter((r) => r.recorded)).toEqual([{ recorded: true, sends: 1 }]);
    expect(await refunds.sendCount(ref)).toBe(1);
    // Dated with the count, in the same step: when the request that may be filed left.
    const snapshot = await refunds.sendSnapshot(ref);
    expect(snapshot?.sends).toBe(1);
    expect(snapshot?.sentAt).toBeGreaterThanOrEqual(before);
    expect(snapshot?.sentAt).toBeLessThanOrEqual(Date.now());
    expect(await refunds.recordSend({ ...ref, refundNumber: "NONE" })).toEqual({ recorded: false, reason: "not_found" });
  });
});
