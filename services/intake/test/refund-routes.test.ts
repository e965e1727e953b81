import { RefundStore } from "@oceanpos/core/refunds";
import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, adminToken, apiKeys, auth, startHarness } from "./harness.js";
import { paymentIn, postRefund, refundEvents, refundFeed, refundsUrl } from "./refund-support.js";

describe("refund routes", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });
  const get = (url: string, headers: Record<string, string> = auth()) => h.app.inject({ method: "GET", url, headers });

  it("accepts a refund: 202, Location, the refund resource; the payment, the list, the event and the feed show it", async () => {
    const orderNumber = await paymentIn(h);
    const res = await postRefund(h, orderNumber, { refundNumber: "R-001", amount: "5.00", reason: "damaged" });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toBe(`/v1/payments/${orderNumber}/refunds/R-001`);
    const refund = res.json();
    expect(Object.keys(refund)).toEqual(["refundNumber", "orderNumber", "storeId", "amount", "currency", "reason", "status", "version", "createdAt", "updatedAt", "history"]);
    expect(refund).toMatchObject({ refundNumber: "R-001", orderNumber, storeId: "store-a", amount: "5.00", currency: "USD", reason: "damaged", status: "accepted", version: 1 });
    expect(refund.history).toEqual([{ status: "accepted", at: refund.createdAt, source: "intake" }]);

    expect((await get(`/v1/payments/${orderNumber}`)).json()).toMatchObject({ amount: "12.50", refundedAmount: "0.00", refundableAmount: "7.50" });
    expect((await get(refundsUrl(orderNumber))).json()).toEqual({ data: [refund] });
    expect((await get(`${refundsUrl(orderNumber)}/R-001`)).json()).toEqual(refund);
    expect((await refundEvents(h)).map((e) => [e.type, e.data])).toEqual([["refund.accepted", refund]]);
    expect(await refundFeed(h)).toEqual(["R-001"]);
  });

  it("replays the same body (200, Idempotent-Replayed) and refuses another body for the same refundNumber (409), changing nothing", async () => {
    const orderNumber = await paymentIn(h);
    const first = await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "5.00" });
    const replay = await postRefund(h, orderNumber, { amount: "5.00", refundNumber: "R-1" });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.json()).toEqual(first.json());
    for (const other of [{ refundNumber: "R-1", amount: "5.01" }, { refundNumber: "R-1", amount: "5.00", reason: "other" }, { refundNumber: "R-1", amount: "5" }]) {
      const res = await postRefund(h, orderNumber, other);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: "idempotency_conflict", message: expect.stringContaining("R-1") });
    }
    expect((await get(refundsUrl(orderNumber))).json().data).toHaveLength(1);
    expect(await refundEvents(h)).toHaveLength(1);
    expect((await get(`/v1/payments/${orderNumber}`)).json().refundableAmount).toBe("7.50");
  });

  it("answers every bad input with its error and changes nothing", async () => {
    const ok = await paymentIn(h);
    const jpy = await paymentIn(h, "succeeded", { amount: "1000", currency: "JPY" });
    const cases: [string, string, unknown, number, string, string?][] = [
      ["unknown order", "NOPE-1", { refundNumber: "R-1", amount: "1.00" }, 404, "not_found"],
      ["malformed order number", "bad%20id", { refundNumber: "R-1", amount: "1.00" }, 404, "not_found"],
      ["zero", ok, { refundNumber: "R-1", amount: "0" }, 400, "invalid_request", "amount"],
      ["zero with decimals", ok, { refundNumber: "R-1", amount: "0.00" }, 400, "invalid_request", "amount"],
      ["negative", ok, { refundNumber: "R-1", amount: "-1.00" }, 400, "invalid_request", "amount"],
      ["three decimals", ok, { refundNumber: "R-1", amount: "1.005" }, 400, "invalid_request", "amount"],
      ["a number", ok, { refundNumber: "R-1", amount: 1 }, 400, "invalid_request", "amount"],
      ["decimals on JPY", jpy, { refundNumber: "R-1", amount: "100.5" }, 400, "invalid_request", "amount"],
      ["no amount", ok, { refundNumber: "R-1" }, 400, "invalid_request", "amount"],
      ["refundNumber with a space", ok, { refundNumber: "R 1", amount: "1.00" }, 400, "invalid_request", "refundNumber"],
      ["refundNumber too long", ok, { refundNumber: "R".repeat(51), amount: "1.00" }, 400, "invalid_request", "refundNumber"],
      ["empty refundNumber", ok, { refundNumber: "", amount: "1.00" }, 400, "invalid_request", "refundNumber"],
      ["reason too long", ok, { refundNumber: "R-1", amount: "1.00", reason: "x".repeat(201) }, 400, "invalid_request", "reason"],
      ["unknown field", ok, { refundNumber: "R-1", amount: "1.00", currency: "USD" }, 400, "invalid_request", "currency"],
      ["beyond the amount", ok, { refundNumber: "R-1", amount: "12.51" }, 409, "refund_exceeds_payment"],
    ];
    for (const [name, orderNumber, body, status, code, path] of cases) {
      const res = await postRefund(h, orderNumber, body);
      expect(res.statusCode, name).toBe(status);
      expect(res.json().error.code, name).toBe(code);
      if (path) expect(res.json().error.issues.map((i: { path: string }) => i.path), name).toEqual([path]);
    }
    const jpyDecimals = await postRefund(h, jpy, { refundNumber: "R-1", amount: "100.5" });
    expect(jpyDecimals.json().error.issues).toEqual([{ path: "amount", message: "JPY amounts are whole numbers" }]);
    expect((await postRefund(h, ok, { refundNumber: "R-1", amount: "12.51" })).json().error.refundableAmount).toBe("12.50");
    expect(await refundEvents(h)).toEqual([]);
    expect(await refundFeed(h)).toEqual([]);
    for (const orderNumber of [ok, jpy]) expect((await get(refundsUrl(orderNumber))).json().data).toEqual([]);
    expect((await get(`/v1/payments/${ok}`)).json()).toMatchObject({ refundedAmount: "0.00", refundableAmount: "12.50" });
  });

  it.each(["accepted", "submitting", "pending", "failed", "needs_review"] as const)("refuses a %s payment with 409 payment_not_refundable", async (status) => {
    const orderNumber = await paymentIn(h, status);
    const res = await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: "payment_not_refundable", message: expect.stringContaining(status) });
    expect(await refundEvents(h)).toEqual([]);
  });

  it("hides another store's payment and refunds (404), even behind ?storeId=", async () => {
    const orderNumber = await paymentIn(h);
    await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" });
    const other = auth(apiKeys.b);
    for (const res of [
      await postRefund(h, orderNumber, { refundNumber: "R-2", amount: "1.00" }, other),
      await get(refundsUrl(orderNumber), other),
      await get(`${refundsUrl(orderNumber)}/R-1`, other),
      await get(refundsUrl(orderNumber, "?storeId=store-a"), other),
      await get(refundsUrl(orderNumber, "?storeId=store-b")),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect((await get(`${refundsUrl(orderNumber)}/R-9`)).statusCode).toBe(404);
    expect(await refundEvents(h)).toHaveLength(1);
  });

  it("takes several partial refunds up to the amount, and shows the amounts with the currency's decimals (USD, JPY)", async () => {
    const usd = await paymentIn(h);
    const jpy = await paymentIn(h, "succeeded", { amount: "1000", currency: "JPY" });
    expect((await postRefund(h, usd, { refundNumber: "R-1", amount: "2.5" })).statusCode).toBe(202);
    expect((await postRefund(h, usd, { refundNumber: "R-2", amount: "10" })).statusCode).toBe(202);
    expect((await postRefund(h, usd, { refundNumber: "R-3", amount: "0.01" })).json().error).toMatchObject({ code: "refund_exceeds_payment", refundableAmount: "0.00" });
    expect((await postRefund(h, jpy, { refundNumber: "R-1", amount: "300" })).statusCode).toBe(202);
    expect((await postRefund(h, jpy, { refundNumber: "R-2", amount: "701" })).json().error).toMatchObject({ code: "refund_exceeds_payment", refundableAmount: "700" });

    // The payer settles: one USD refund paid out, the other failed (its amount is free again); the JPY one paid out.
    const refunds = new RefundStore({ redis: h.redis, keyPrefix: redis.prefix });
    const settle = async (orderNumber: string, refundNumber: string, to: "succeeded" | "failed") => {
      const ref = { account, orderNumber, refundNumber };
      await refunds.transition(ref, { to: "submitting", source: "payer" });
      await refunds.transition(ref, { to, source: "query" });
    };
    await settle(usd, "R-1", "succeeded");
    await settle(usd, "R-2", "failed");
    await settle(jpy, "R-1", "succeeded");
    expect((await get(`/v1/payments/${usd}`)).json()).toMatchObject({ refundedAmount: "2.50", refundableAmount: "10.00" });
    expect((await get(`/v1/payments/${jpy}`)).json()).toMatchObject({ refundedAmount: "300", refundableAmount: "700" });
    expect((await get(refundsUrl(usd))).json().data.map((r: { refundNumber: string; status: string }) => [r.refundNumber, r.status])).toEqual([
      ["R-1", "succeeded"], ["R-2", "failed"],
    ]);
  });

  describe("the operator token", () => {
    const operator = { authorization: `Bearer ${adminToken}` };

    it("refunds and reads any store's payment, takes no rate-limit token, and is refused elsewhere (403)", async () => {
      const orderNumber = await paymentIn(h, "succeeded", {}, apiKeys.b);
      const res = await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" }, operator);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ storeId: "store-b", orderNumber });
      expect((await get(refundsUrl(orderNumber), operator)).json().data).toHaveLength(1);
      expect((await get(`${refundsUrl(orderNumber)}/R-1`, operator)).statusCode).toBe(200);
      expect((await get(`${refundsUrl(orderNumber)}/R-1`, auth(apiKeys.b))).json()).toEqual(res.json());
      for (const forbidden of [await get(`/v1/payments/${orderNumber}`, operator), await h.app.inject({ method: "POST", url: "/v1/payments", headers: operator, payload: {} })]) {
        expect(forbidden.statusCode).toBe(403);
        expect(forbidden.json().error.code).toBe("forbidden");
      }
      expect((await get(refundsUrl(orderNumber), { authorization: "Bearer not-a-token" })).statusCode).toBe(401);
    });

    it("names the store with ?storeId= when the order number is used on several accounts (409 ambiguous_order_number without)", async () => {
      const orderNumber = await paymentIn(h);
      // The same order number on the other account (store-slow), created through the store.
      const slow = await paymentIn(h, "succeeded", { orderNumber }, apiKeys.slow);
      expect(slow).toBe(orderNumber);
      const ambiguous = await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" }, operator);
      expect(ambiguous.statusCode).toBe(409);
      expect(ambiguous.json().error.code).toBe("ambiguous_order_number");
      expect((await get(refundsUrl(orderNumber), operator)).json().error.code).toBe("ambiguous_order_number");
      const named = await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" }, operator, "?storeId=store-slow");
      expect(named.statusCode, named.body).toBe(202);
      expect(named.json().storeId).toBe("store-slow");
      expect((await get(refundsUrl(orderNumber, "?storeId=store-a"), operator)).json().data).toEqual([]);
      expect((await get(refundsUrl(orderNumber, "?storeId=store-slow"), operator)).json().data).toHaveLength(1);
      const unknown = await get(refundsUrl(orderNumber, "?storeId=nowhere"), operator);
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.issues).toEqual([{ path: "storeId", message: "is not a configured store" }]);
      expect((await get(refundsUrl(orderNumber, "?storeId=store-a&other=1"), operator)).statusCode).toBe(400);
    });
  });
});
