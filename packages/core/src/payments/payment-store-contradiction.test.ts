import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { redisKeys } from "../redis/redis-keys.js";
import { eventFromStreamEntry } from "./payment-event.js";
import { acceptedPayment } from "../../test/payments/payment-fixtures.js";
import type { Payment } from "./payment.js";
import { PaymentStore } from "./payment-store.js";
import { ReconcileSchedule } from "./reconcile-schedule.js";

const payment = (orderNumber: string) => acceptedPayment(orderNumber, { mode: "customer_scan" });
const success = { to: "succeeded", source: "query", code: "80000", set: { paymentId: "222", gateway: { code: "80000", message: "Transaction Approved" } } } as const;

describe("PaymentStore: a gateway success for a failed or voided payment", () => {
  const redis = useRedis();
  const keys = () => redisKeys(redis.prefix);

  async function setup(orderNumber: string, held: "failed" | "voided") {
    const store = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    const schedule = new ReconcileSchedule({ redis: redis.client(), keyPrefix: redis.prefix });
    const ref = { account: "995149", orderNumber };
    await store.create({ ...ref, payment: payment(orderNumber), requestHash: "h" });
    await store.transition(ref, { to: "submitting", source: "payer" });
    await store.transition(ref, { to: "awaiting_customer", source: "payer", set: { paymentId: "111" } }, { reconcile: { dueAt: 5_000 } });
    const code = held === "failed" ? "80101" : "80102";
    await store.transition(ref, { to: held, source: "notice", code, set: { gateway: { code, message: "m" } } });
    await schedule.scheduleAt(ref, 1_000); // as a notice for another attempt would ask
    return { store, schedule, ref };
  }

  async function events(orderNumber: string) {
    const entries = await redis.client().xrange(keys().events, "-", "+");
    return entries.map(([id, fields]) => eventFromStreamEntry(id, fields)).filter((e) => e.data.orderNumber === orderNumber);
  }

  it.each(["failed", "voided"] as const)("%s → needs_review with both facts, its event, out of the schedule, marked for a person", async (held) => {
    const { store, schedule, ref } = await setup(`C-${held}`, held);
    const result = await store.transition(ref, success, { reconcile: { dueAt: 0 } });
    expect(result).toMatchObject({ outcome: "applied", payment: { status: "needs_review", version: 5, paymentId: "222", gateway: { code: "80000" } } });
    const history = (await store.get(ref))?.history ?? [];
    expect(history.map((h) => h.status)).toEqual(["accepted", "submitting", "awaiting_customer", held, "needs_review"]);
    expect(history.at(-2)).toMatchObject({ status: held, code: held === "failed" ? "80101" : "80102" });
    expect(history.at(-1)).toMatchObject({ status: "needs_review", source: "query", code: "80000", paymentId: "222" });
    expect(history.at(-1)?.reason).toContain(`held as ${held} (payment_id 111, code ${held === "failed" ? "80101" : "80102"})`);
    expect(history.at(-1)?.reason).toContain("success (payment_id 222, code 80000)");
    expect((await events(ref.orderNumber)).map((e) => e.type).at(-1)).toBe("payment.needs_review");
    expect(await schedule.dueAt(ref)).toBeUndefined();
    expect(await store.contradictionCount()).toBe(1);
    expect(await redis.client().hget(keys().payment(ref.account, ref.orderNumber), "review")).toBe("contradiction");
    expect(await store.awaitsOperator(ref)).toBe(true);
  });

  it("then waits for an operator: any other source changes nothing; an operator settles it and lifts the mark", async () => {
    const { store, schedule, ref } = await setup("C-wait", "failed");
    await store.transition(ref, success);
    for (const change of [success, { to: "failed", source: "payer" }, { to: "succeeded", source: "notice", code: "80000" }] as const) {
      expect(await store.transition(ref, change, { reconcile: { dueAt: 0 } })).toMatchObject({ outcome: "unchanged", reason: "awaiting_operator", payment: { status: "needs_review" } });
    }
    expect(await schedule.dueAt(ref)).toBeUndefined();
    // A stale copy (still `failed`) decides nothing on its own.
    const stale = (await store.get(ref)) as Payment;
    expect(await store.transition(ref, success, { current: { ...stale, status: "failed", version: 4 } })).toMatchObject({ outcome: "unchanged", reason: "awaiting_operator" });
    const settled = await store.transition(ref, { to: "succeeded", source: "operator", reason: "charge confirmed with Oceanpayment" });
    expect(settled).toMatchObject({ outcome: "applied", payment: { status: "succeeded", version: 6 } });
    expect(await store.contradictionCount()).toBe(0);
    expect(await redis.client().hget(keys().payment(ref.account, ref.orderNumber), "review")).toBeNull();
    expect(await store.awaitsOperator(ref)).toBe(false);
  });

  it("only a success contradicts: a failure after a success, or anything else after a final status, changes nothing", async () => {
    const { store, ref } = await setup("C-other", "failed");
    for (const to of ["pending", "voided", "needs_review", "failed"] as const) {
      expect(await store.transition(ref, { to, source: "query" })).toMatchObject({ outcome: "unchanged", reason: "final" });
    }
    const ok = { account: "995149", orderNumber: "C-ok" };
    await store.create({ ...ok, payment: payment("C-ok"), requestHash: "h" });
    await store.transition(ok, { to: "submitting", source: "payer" });
    await store.transition(ok, { to: "succeeded", source: "payer" });
    for (const to of ["failed", "voided", "needs_review", "succeeded"] as const) {
      expect(await store.transition(ok, { to, source: "notice" })).toMatchObject({ outcome: "unchanged", reason: "final" });
    }
    expect(await store.contradictionCount()).toBe(0);
  });

  it("two contradicting answers at once record one review", async () => {
    const { ref } = await setup("C-race", "voided");
    const results = await Promise.all(Array.from({ length: 6 }, () => new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix }).transition(ref, success)));
    expect(results.filter((r) => r.outcome === "applied")).toHaveLength(1);
    expect((await events(ref.orderNumber)).filter((e) => e.type === "payment.needs_review")).toHaveLength(1);
  });
});
