import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { PaymentStore } from "../../src/payments/index.js";
import { redisKeys } from "../../src/redis/index.js";
import { RefundStore, refundFeedRef } from "../../src/refunds/index.js";
import { account, newRefund, paymentIn, refundEvents, refundRef, totals } from "./refund-fixtures.js";

describe("RefundStore.create", () => {
  const redis = useRedis();
  const keys = () => redisKeys(redis.prefix);
  const stores = () => ({ payments: new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix }), refunds: new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix }) });
  const events = () => refundEvents(redis.client(), keys().events);

  it("creates the refund with its event, its feed entry, its place among the payment's refunds and the payment's held amount", async () => {
    const { payments, refunds } = stores();
    const payment = await paymentIn(payments, "P1");
    const result = await refunds.create(newRefund(payment, "R-1", "4.00"));
    expect(result).toMatchObject({ outcome: "created", refund: { refundNumber: "R-1", status: "accepted", version: 1 } });
    expect(await refunds.get(refundRef(payment, "R-1"))).toMatchObject({ refundNumber: "R-1", orderNumber: "P1", amount: "4.00", status: "accepted" });

    const last = (await events()).at(-1);
    expect(last).toMatchObject({ type: "refund.accepted", data: { refundNumber: "R-1", orderNumber: "P1", storeId: "store-a" } });
    expect(result.outcome === "created" && result.eventId).toBe(last?.id);
    // The payment events' entry shape: type, at, storeId, data.
    const fields = (await redis.client().xrange(keys().events, "-", "+")).at(-1)?.[1] ?? [];
    expect([fields[0], fields[1], fields[2], fields[4], fields[5], fields[6]]).toEqual(["type", "refund.accepted", "at", "storeId", "store-a", "data"]);

    const feed = await redis.client().xrange(keys().refundFeed, "-", "+");
    expect(feed.map(([, fields]) => refundFeedRef(fields))).toEqual([{ account, orderNumber: "P1", refundNumber: "R-1" }]);
    expect(await refunds.feedEntryId(refundRef(payment, "R-1"))).toBe(feed[0]?.[0]);
    expect(await refunds.acceptedBefore(new Date(Date.now() + 60_000))).toEqual([refundRef(payment, "R-1")]);
    expect(await totals(redis.client(), keys().payment(account, "P1"))).toEqual({ refunded: null, held: "400", open: "1" });
    expect(await refunds.openCount(payment)).toBe(1);
    expect(await payments.get(payment)).toMatchObject({ status: "succeeded", amount: "10.00", refundedAmount: "0.00", refundableAmount: "6.00" });
  });

  it("replays: the same refund number again creates nothing and answers the stored refund with its request hash", async () => {
    const { payments, refunds } = stores();
    const payment = await paymentIn(payments, "P2");
    await refunds.create(newRefund(payment, "R-1", "4.00", { hash: "first" }));
    const again = await refunds.create(newRefund(payment, "R-1", "5.00", { hash: "second" }));
    expect(again).toMatchObject({ outcome: "exists", requestHash: "first", storeId: "store-a", refund: { amount: "4.00" } });
    expect((await events()).filter((e) => e.type === "refund.accepted")).toHaveLength(1);
    expect(await redis.client().xlen(keys().refundFeed)).toBe(1);
    expect(await totals(redis.client(), keys().payment(account, "P2"))).toMatchObject({ held: "400", open: "1" });
  });

  it("refuses, creating nothing: an unknown payment, another store's, one that is not succeeded, more than is left", async () => {
    const { payments, refunds } = stores();
    const ok = await paymentIn(payments, "P3");
    const pending = await paymentIn(payments, "P4", { status: "pending" });
    expect(await refunds.create(newRefund({ account, orderNumber: "NONE" }, "R-1", "1.00"))).toEqual({ outcome: "payment_not_found" });
    expect(await refunds.create(newRefund(ok, "R-1", "1.00", { storeId: "store-b" }))).toEqual({ outcome: "payment_not_found" });
    expect(await refunds.create(newRefund(pending, "R-1", "1.00"))).toEqual({ outcome: "not_refundable", paymentStatus: "pending" });
    expect(await refunds.create(newRefund(ok, "R-1", "10.01"))).toEqual({ outcome: "exceeds_payment", refundableAmount: "10.00" });
    await refunds.create(newRefund(ok, "R-2", "7.50"));
    expect(await refunds.create(newRefund(ok, "R-3", "2.51"))).toEqual({ outcome: "exceeds_payment", refundableAmount: "2.50" });
    expect(await refunds.create(newRefund(ok, "R-3", "2.50"))).toMatchObject({ outcome: "created" });
    expect(await refunds.create(newRefund(ok, "R-4", "0.01"))).toEqual({ outcome: "exceeds_payment", refundableAmount: "0.00" });
    // A payment read in another currency is not the one the script finds: the caller reads again.
    expect(await refunds.create(newRefund(ok, "R-5", "1", { currency: "JPY" }))).toEqual({ outcome: "payment_changed" });

    expect((await events()).map((e) => e.data.refundNumber)).toEqual(["R-2", "R-3"]);
    expect(await redis.client().exists(keys().refund(account, "NONE", "R-1"), keys().refund(account, "P4", "R-1"), keys().refund(account, "P3", "R-1"))).toBe(0);
    expect(await redis.client().exists(keys().payment(account, "NONE"))).toBe(0);
    expect(await totals(redis.client(), keys().payment(account, "P4"))).toEqual({ refunded: null, held: null, open: null });
    expect(await totals(redis.client(), keys().payment(account, "P3"))).toMatchObject({ held: "1000", open: "2" });
  });

  it("lists a payment's refunds in creation order", async () => {
    const { payments, refunds } = stores();
    const payment = await paymentIn(payments, "P5");
    for (const n of ["Z-1", "A-2", "M-3"]) await refunds.create(newRefund(payment, n, "1.00"));
    expect((await refunds.list(payment)).map((r) => r.refundNumber)).toEqual(["Z-1", "A-2", "M-3"]);
    expect(await refunds.list({ account, orderNumber: "NONE" })).toEqual([]);
  });

  it("sums in the currency's minor units: JPY whole yen", async () => {
    const { payments, refunds } = stores();
    const payment = await paymentIn(payments, "P6", { amount: "1000", currency: "JPY" });
    expect(await payments.get(payment)).toMatchObject({ refundedAmount: "0", refundableAmount: "1000" });
    expect(await refunds.create(newRefund(payment, "R-1", "300", { currency: "JPY" }))).toMatchObject({ outcome: "created" });
    expect(await refunds.create(newRefund(payment, "R-2", "701", { currency: "JPY" }))).toEqual({ outcome: "exceeds_payment", refundableAmount: "700" });
    expect(await refunds.create(newRefund(payment, "R-2", "700", { currency: "JPY" }))).toMatchObject({ outcome: "created" });
    expect(await totals(redis.client(), keys().payment(account, "P6"))).toMatchObject({ held: "1000" });
    expect(await payments.get(payment)).toMatchObject({ refundedAmount: "0", refundableAmount: "0" });
  });

  it("never exceeds the amount under concurrent creates of different refund numbers from many connections", async () => {
    const { payments } = stores();
    const payment = await paymentIn(payments, "P7", { amount: "10.00" });
    const clients = Array.from({ length: 16 }, () => new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix }));
    // 60 refunds of 0.50 and 1.00 racing for 10.00.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (clients[i % clients.length] as RefundStore).create(newRefund(payment, `R-${i}`, i % 2 === 0 ? "0.50" : "1.00"))),
    );
    const created = results.flatMap((r, i) => (r.outcome === "created" ? [i % 2 === 0 ? 50 : 100] : []));
    expect(created.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1000);
    // Held only grows, so below 9.50 every 0.50 would have fitted (30 of them: 15.00): nothing was refused for nothing.
    expect(created.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(950);
    expect(results.every((r) => r.outcome === "created" || r.outcome === "exceeds_payment")).toBe(true);
    const held = Number((await totals(redis.client(), keys().payment(account, "P7"))).held);
    expect(held).toBe(created.reduce((a, b) => a + b, 0));
    // Whoever lost was told what was left at that moment, never a negative amount.
    for (const r of results) if (r.outcome === "exceeds_payment") expect(Number(r.refundableAmount)).toBeGreaterThanOrEqual(0);
    const listed = await stores().refunds.list(payment);
    expect(listed).toHaveLength(created.length);
    expect((await events()).filter((e) => e.type === "refund.accepted")).toHaveLength(created.length);
    expect(await redis.client().xlen(keys().refundFeed)).toBe(created.length);
  });

  it("creates one refund under concurrent creates of the same refund number from many connections", async () => {
    const { payments } = stores();
    const payment = await paymentIn(payments, "P8", { amount: "10.00" });
    const clients = Array.from({ length: 16 }, () => new RefundStore({ redis: redis.client(), keyPrefix: redis.prefix }));
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (clients[i % clients.length] as RefundStore).create(newRefund(payment, "R-same", "6.00"))));
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "exists")).toHaveLength(39);
    expect(await totals(redis.client(), keys().payment(account, "P8"))).toMatchObject({ held: "600", open: "1" });
    expect((await events()).filter((e) => e.type === "refund.accepted")).toHaveLength(1);
  });
});
