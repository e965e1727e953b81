import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { acceptedPayment } from "../../test/payments/payment-fixtures.js";
import { PaymentStore } from "./payment-store.js";
import { ReconcileSchedule } from "./reconcile-schedule.js";

const payment = acceptedPayment("T1");

describe("PaymentStore transition options", () => {
  const redis = useRedis();
  const ref = { account: "995149", orderNumber: "T1" };
  const setup = async () => {
    const store = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    const schedule = new ReconcileSchedule({ redis: redis.client(), keyPrefix: redis.prefix });
    await store.create({ ...ref, payment, requestHash: "h", authCode: "134567890123456789" });
    return { store, schedule };
  };

  it("reads payment, send count and wallet code together", async () => {
    const { store } = await setup();
    expect(await store.submitSnapshot(ref)).toEqual({ payment: { ...payment, refundedAmount: "0.00", refundableAmount: "0.00" }, sends: 0, authCode: "134567890123456789" });
    expect(await store.submitSnapshot({ ...ref, orderNumber: "none" })).toBeUndefined();
  });

  it("schedules or removes the reconciliation member in the same step, only when applied", async () => {
    const { store, schedule } = await setup();
    await store.transition(ref, { to: "submitting", source: "payer" }, { reconcile: { dueAt: 5_000 } });
    expect(await schedule.dueAt(ref)).toBe(5_000);
    await store.transition(ref, { to: "pending", source: "payer" }, { reconcile: { dueAt: 2_000 } });
    expect(await schedule.dueAt(ref)).toBe(2_000); // an earlier due time wins
    await store.transition(ref, { to: "pending", source: "payer" }, { reconcile: "remove" }); // unchanged: schedule untouched
    expect(await schedule.dueAt(ref)).toBe(2_000);
    await store.transition(ref, { to: "succeeded", source: "payer" }, { reconcile: "remove" });
    expect(await schedule.dueAt(ref)).toBeUndefined();
  });

  it("tries the caller's copy first, and decides on a fresh read when it is stale", async () => {
    const { store } = await setup();
    const moved = await store.transition(ref, { to: "submitting", source: "payer" }, { current: payment });
    expect(moved.outcome).toBe("applied");
    // Stale copy (still `accepted`, version 1): the CAS fails, the fresh read decides.
    const again = await store.transition(ref, { to: "submitting", source: "payer" }, { current: payment });
    expect(again).toMatchObject({ outcome: "unchanged", reason: "same_status", payment: { status: "submitting", version: 2 } });
    const done = await store.transition(ref, { to: "succeeded", source: "payer" }, { current: payment });
    expect(done).toMatchObject({ outcome: "applied", payment: { status: "succeeded", version: 3 } });
    expect((await store.get(ref))?.history.map((h) => h.status)).toEqual(["accepted", "submitting", "succeeded"]);
  });
});
