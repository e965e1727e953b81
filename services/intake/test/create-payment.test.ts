import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, apiKeys, auth, customerScan, merchantScan, startHarness } from "./harness.js";

describe("POST /v1/payments", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis, { bodyLimitBytes: 4096 });
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (body: unknown, headers: Record<string, string> = auth()) =>
    h.app.inject({ method: "POST", url: "/v1/payments", headers, payload: body as object });

  it("accepts a payment: 202, Location, the resource, one queued job, one accepted event", async () => {
    const body = merchantScan({ notes: "till 3", items: [{ name: "Red Dress", sku: "#001", price: "12.50", quantity: 1 }] });
    const res = await post(body);
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/v1/payments/${body.orderNumber}`);
    const payment = res.json();
    expect(payment).toMatchObject({
      orderNumber: body.orderNumber,
      storeId: "store-a",
      mode: "merchant_scan",
      method: "WeChatPay_Offline",
      amount: "12.50",
      currency: "USD",
      status: "accepted",
      version: 1,
      notes: "till 3",
      history: [{ status: "accepted", source: "intake" }],
    });
    expect(payment.authCode).toBeUndefined();
    expect(res.body).not.toContain(body.authCode);

    // The payer's cue is the feed entry written with the payment: no job.
    expect(await h.feed()).toEqual([body.orderNumber]);
    expect(await h.queues.submit.count()).toBe(0);
    const events = await h.redis.xrange(h.keys.events, "-", "+");
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(body.authCode);
  });

  it("replays an identical body: 200, Idempotent-Replayed, the current resource, nothing re-queued", async () => {
    const body = customerScan();
    expect((await post(body)).statusCode).toBe(202);
    await h.payments.transition({ account, orderNumber: body.orderNumber }, { to: "submitting", source: "payer" });

    // Same fields, another key order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const res = await post(reordered);
    expect(res.statusCode).toBe(200);
    expect(res.headers["idempotent-replayed"]).toBe("true");
    expect(res.json()).toMatchObject({ status: "submitting", version: 2 });
    expect(await h.feed()).toEqual([body.orderNumber]);
  });

  it("refuses the same orderNumber with another body: 409 idempotency_conflict", async () => {
    const body = merchantScan();
    await post(body);
    const res = await post({ ...body, amount: "13.00" });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("idempotency_conflict");
  });

  it("refuses another store's orderNumber on the same account without revealing it", async () => {
    const body = merchantScan({ notes: "secret note of store A" });
    await post(body);
    for (const other of [body, { ...body, amount: "1.00" }]) {
      const res = await post(other, auth(apiKeys.b));
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe("idempotency_conflict");
      expect(res.body).not.toContain("store-a");
      expect(res.body).not.toContain("secret note");
    }
  });

  it("lists every failing field at once, unknown fields included", async () => {
    const res = await post({ orderNumber: "bad order!", amount: 12.5, currency: "usd", mode: "merchant_scan", colour: "red" });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("invalid_request");
    const paths = error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(["amount", "colour", "currency", "orderNumber"]);
    expect(error.issues.find((i: { path: string }) => i.path === "amount").message).toMatch(/decimal string/);
  });

  it("names nested fields with dotted paths and requires mode-specific fields", async () => {
    const res = await post(customerScan({ method: undefined, items: [{ name: "x", price: "1.005", quantity: 1 }] }));
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(["items.0.price", "method"]);
  });

  it("refuses decimals the currency does not have (JPY 12.50): 400 naming the amount and item prices, nothing stored", async () => {
    const body = customerScan({ currency: "JPY", amount: "12.50", items: [{ name: "Tea", price: "12.50", quantity: 1 }] });
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "invalid_request",
      issues: [
        { path: "amount", message: "JPY amounts are whole numbers" },
        { path: "items.0.price", message: "JPY amounts are whole numbers" },
      ],
    });
    expect(await h.payments.get({ account, orderNumber: body.orderNumber })).toBeUndefined();
    expect(await h.feed()).toEqual([]);
    expect((await post({ ...body, amount: "1250", items: [{ name: "Tea", price: "1250", quantity: 1 }] })).statusCode).toBe(202);
  });

  it("answers 401 without a valid store key", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer nope" }, { authorization: `Basic ${apiKeys.a}` }]) {
      const res = await post(merchantScan(), headers);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
    }
  });

  it("answers 413 above the body limit, 415 for non-JSON, 400 for malformed JSON", async () => {
    const big = await post(merchantScan({ notes: "x".repeat(5000) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("payload_too_large");

    const text = await h.app.inject({ method: "POST", url: "/v1/payments", headers: { ...auth(), "content-type": "text/plain" }, payload: "hello" });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe("unsupported_media_type");

    const broken = await h.app.inject({
      method: "POST",
      url: "/v1/payments",
      headers: { ...auth(), "content-type": "application/json" },
      payload: '{"orderNumber": "A1", "authCode": "134567890123456789",',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe("invalid_request");
    expect(broken.body).not.toContain("134567890123456789");
  });

  it("creates one payment, one feed entry and one event from 20 concurrent identical requests", async () => {
    const body = merchantScan();
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array<number>(18).fill(200), 202].sort());
    expect(responses.filter((r) => r.headers["idempotent-replayed"] === "true")).toHaveLength(19);
    expect(await h.feed()).toEqual([body.orderNumber]);
    const events = await h.redis.xrange(h.keys.events, "-", "+");
    expect(events.filter(([, fields]) => fields.includes("payment.accepted"))).toHaveLength(1);
  });

  it("counts accepted payments, replays and conflicts per store", async () => {
    const body = merchantScan();
    await post(body);
    await post(body);
    await post({ ...body, amount: "2.00" });
    const text = await h.registry.metrics();
    expect(text).toContain('payments_accepted_total{store="store-a",mode="merchant_scan"} 1');
    expect(text).toContain('idempotent_replays_total{store="store-a"} 1');
    expect(text).toContain('idempotency_conflicts_total{store="store-a"} 1');
    expect(text).toMatch(/http_requests_total\{route="\/v1\/payments",method="POST",status="202"\} 1/);
  });
});
