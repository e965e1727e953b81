import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { redisKeys } from "../../src/redis/index.js";
import { type PaymentEvent, PaymentStore, eventFromStreamEntry, submitFeedRef } from "../../src/payments/index.js";
import { maxPaymentsPerCreateCall } from "../../src/payments/payment-store.js";
import { acceptedPayment } from "./payment-fixtures.js";

const account = "995149";

const newPayment = (orderNumber: string) => acceptedPayment(orderNumber, { amount: "12.50" });

describe("PaymentStore", () => {
  const redis = useRedis();
  const store = () => new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
  const events = async () => {
    const entries = await redis.client().xrange(redisKeys(redis.prefix).events, "-", "+");
    // Only payments are written here: every entry is a payment event.
    return entries.map(([id, fields]) => eventFromStreamEntry(id, fields) as PaymentEvent);
  };
  /** The order numbers the submit feed holds, in order. */
  const feed = async () => {
    const entries = await redis.client().xrange(redisKeys(redis.prefix).submits, "-", "+");
    return entries.map(([, fields]) => submitFeedRef(fields)?.orderNumber);
  };

  it("creates once: twenty concurrent creates make one payment and one event", async () => {
    const s = store();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => s.create({ account, orderNumber: "NO1", payment: newPayment("NO1"), requestHash: "h1" })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results.filter((r) => !r.created)) {
      expect(r).toMatchObject({ created: false, requestHash: "h1", storeId: "demo-store" });
    }
    const log = await events();
    expect(log.map((e) => e.type)).toEqual(["payment.accepted"]);
    expect(log[0]?.id).toMatch(/^evt_\d+-\d+$/);
    expect(await feed()).toEqual(["NO1"]);
  });

  it("creates many in one round trip, reporting existing ones", async () => {
    const s = store();
    await s.create({ account, orderNumber: "A", payment: newPayment("A"), requestHash: "ha" });
    const results = await s.createMany(
      ["A", "B", "C"].map((n) => ({ account, orderNumber: n, payment: newPayment(n), requestHash: `h${n}` })),
    );
    expect(results.map((r) => r.created)).toEqual([false, true, true]);
    expect(await s.acceptedBefore(new Date(Date.now() + 1000))).toHaveLength(3);
    // Only what was created is to be sent: the replay of A adds nothing to the feed.
    expect(await feed()).toEqual(["A", "B", "C"]);
  });

  it("creates more than one script call takes, in order: a repeated order number finds the first", async () => {
    const s = store();
    const names = Array.from({ length: maxPaymentsPerCreateCall + 2 }, (_, i) => `M${i}`);
    const inputs = names.map((n, i) => ({ account, orderNumber: n, payment: newPayment(n), requestHash: `h${n}`, ...(i === 1 ? { authCode: "134567890123456789" } : {}) }));
    // The repeat sits in the second call, its original in the first.
    inputs.push({ account, orderNumber: "M0", payment: newPayment("M0"), requestHash: "other" });
    const results = await s.createMany(inputs);
    expect(results).toHaveLength(names.length + 1);
    expect(results.slice(0, names.length).every((r) => r.created)).toBe(true);
    expect(results.at(-1)).toMatchObject({ created: false, requestHash: "hM0", storeId: "demo-store", payment: { orderNumber: "M0" } });
    const created = results[names.length + 1 - 2];
    expect(created?.created && created.eventId).toMatch(/^evt_\d+-\d+$/);
    expect(await s.authCode({ account, orderNumber: "M1" })).toBe("134567890123456789");
    expect(await s.authCode({ account, orderNumber: "M2" })).toBeUndefined();
    expect((await events()).map((e) => e.data.orderNumber)).toEqual(names);
    expect(await feed()).toEqual(names);
  });

  it("moves forward with history, version and one event per transition", async () => {
    const s = store();
    const ref = { account, orderNumber: "NO2" };
    await s.create({ ...ref, payment: newPayment("NO2"), requestHash: "h", authCode: "134567890123456789" });
    expect(await s.authCode(ref)).toBe("134567890123456789");
    expect((await s.transition(ref, { to: "submitting", source: "payer" })).outcome).toBe("applied");
    const done = await s.transition(ref, {
      to: "succeeded",
      source: "payer",
      code: "80000",
      set: { paymentId: "123", gateway: { code: "80000", message: "Transaction Approved" } },
    });
    expect(done).toMatchObject({ outcome: "applied", payment: { status: "succeeded", version: 3, paymentId: "123" } });
    expect((await s.get(ref))?.history.map((h) => h.status)).toEqual(["accepted", "submitting", "succeeded"]);
    expect(await s.authCode(ref)).toBeUndefined();
    expect((await events()).map((e) => `${e.type}@${e.data.version}`)).toEqual([
      "payment.accepted@1",
      "payment.submitting@2",
      "payment.succeeded@3",
    ]);
    expect(await s.acceptedBefore(new Date(Date.now() + 1000))).toHaveLength(0);
  });

  it("never moves a final payment and never goes backwards", async () => {
    const s = store();
    const ref = { account, orderNumber: "NO3" };
    await s.create({ ...ref, payment: newPayment("NO3"), requestHash: "h" });
    await s.transition(ref, { to: "submitting", source: "payer" });
    await s.transition(ref, { to: "pending", source: "payer" });
    expect(await s.transition(ref, { to: "submitting", source: "payer" })).toMatchObject({ outcome: "unchanged", reason: "not_allowed" });
    await s.transition(ref, { to: "failed", source: "notice" });
    // (A success after it is the contract's one exception: payment-store-contradiction.test.ts.)
    for (const to of ["failed", "pending", "voided", "needs_review"] as const) {
      expect(await s.transition(ref, { to, source: "notice" })).toMatchObject({ outcome: "unchanged", reason: "final" });
    }
    expect((await s.get(ref))?.status).toBe("failed");
    expect(await events()).toHaveLength(4);
  });

  it("serialises racing transitions: a notice and a query settle a payment once", async () => {
    const s = store();
    const ref = { account, orderNumber: "NO4" };
    await s.create({ ...ref, payment: newPayment("NO4"), requestHash: "h" });
    await s.transition(ref, { to: "submitting", source: "payer" });
    await s.transition(ref, { to: "pending", source: "payer" });
    const racers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store().transition(ref, { to: "succeeded", source: i % 2 ? "notice" : "query" }),
      ),
    );
    expect(racers.filter((r) => r.outcome === "applied")).toHaveLength(1);
    const final = await s.get(ref);
    expect(final?.version).toBe(4);
    expect((await events()).filter((e) => e.type === "payment.succeeded" || e.type === "payment.failed")).toHaveLength(1);
  });

  it("refuses a final-state change even when the caller skips the state machine", async () => {
    const client = redis.client();
    const s = new PaymentStore({ redis: client, keyPrefix: redis.prefix });
    const ref = { account, orderNumber: "NO5" };
    await s.create({ ...ref, payment: newPayment("NO5"), requestHash: "h" });
    const key = redisKeys(redis.prefix).payment(account, "NO5");
    await client.hset(key, "status", "voided");
    // The Lua guard answers "already final" and the store re-reads instead of overwriting.
    const result = await s.transition(ref, { to: "submitting", source: "payer" });
    expect(result.outcome).not.toBe("applied");
    expect(await client.hget(key, "status")).toBe("voided");
  });

  it("reports a missing payment", async () => {
    expect(await store().transition({ account, orderNumber: "nope" }, { to: "submitting", source: "payer" })).toEqual({
      outcome: "not_found",
    });
  });
});
