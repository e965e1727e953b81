import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, auth, merchantScan, startHarness } from "./harness.js";
import { paymentIn, refundsUrl } from "./refund-support.js";

describe("a Stripe-style Idempotency-Key header", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  const refused = (res: { statusCode: number; json(): unknown }) => {
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: "invalid_request",
        message: expect.stringMatching(/Idempotency-Key.*orderNumber and refundNumber/),
        issues: [{ path: "Idempotency-Key", message: expect.stringContaining("orderNumber") }],
      },
    });
  };

  it("is refused on every POST with a 400 naming it, and nothing is stored", async () => {
    const body = merchantScan();
    const headers = { ...auth(), "idempotency-key": "f3b1c2" };
    refused(await h.app.inject({ method: "POST", url: "/v1/payments", headers, payload: body }));
    refused(await h.app.inject({ method: "POST", url: "/v1/payments/batch", headers, payload: { payments: [merchantScan()] } }));
    refused(await h.app.inject({ method: "POST", url: `/v1/payments/${body.orderNumber}/void`, headers }));
    const paid = await paymentIn(h);
    refused(await h.app.inject({ method: "POST", url: refundsUrl(paid), headers, payload: { refundNumber: "R-1", amount: "1.00" } }));
    // An empty value is still the header.
    refused(await h.app.inject({ method: "POST", url: "/v1/payments", headers: { ...auth(), "idempotency-key": "" }, payload: body }));
    expect(await h.feed()).toEqual([paid]);
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${body.orderNumber}`, headers: auth() })).statusCode).toBe(404);
  });

  it("still needs a valid key first (401), and is ignored on reads", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/payments", headers: { "idempotency-key": "x" }, payload: merchantScan() });
    expect(res.statusCode).toBe(401);
    const paid = await paymentIn(h);
    const read = await h.app.inject({ method: "GET", url: `/v1/payments/${paid}`, headers: { ...auth(), "idempotency-key": "x" } });
    expect(read.statusCode).toBe(200);
  });

  it("without it, the same POST is accepted", async () => {
    expect((await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(), payload: merchantScan() })).statusCode).toBe(202);
  });
});
