import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, account, apiKeys, auth, customerScan, startHarness } from "./harness.js";

describe("GET /v1/payments/{orderNumber} and its QR code", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  const get = (url: string, key: string = apiKeys.a, headers: Record<string, string> = {}) =>
    h.app.inject({ method: "GET", url, headers: { ...auth(key), ...headers } });

  async function created() {
    const body = customerScan();
    const res = await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(), payload: body });
    expect(res.statusCode).toBe(202);
    return body.orderNumber;
  }

  it("returns the store's payment, 404 for unknown ones and for another store's", async () => {
    const orderNumber = await created();
    const own = await get(`/v1/payments/${orderNumber}`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ orderNumber, storeId: "store-a", status: "accepted" });

    for (const res of [await get("/v1/payments/UNKNOWN1"), await get(`/v1/payments/${orderNumber}`, apiKeys.b), await get("/v1/payments/bad%20id")]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    const qrOfOther = await get(`/v1/payments/${orderNumber}/qr.svg`, apiKeys.b);
    expect(qrOfOther.statusCode).toBe(404);
  });

  it("serves the barCode's QR as SVG and PNG once there is one, with caching headers", async () => {
    const orderNumber = await created();
    expect((await get(`/v1/payments/${orderNumber}/qr.svg`)).statusCode).toBe(404);

    const ref = { account, orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    await h.payments.transition(ref, {
      to: "awaiting_customer",
      source: "payer",
      set: { barCode: "2024050622001432901441897816", paymentId: "240506101548268260914" },
    });

    const svg = await get(`/v1/payments/${orderNumber}/qr.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg/);
    expect(svg.headers["cache-control"]).toMatch(/^private, max-age=\d+$/);
    const etag = svg.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);

    const png = await get(`/v1/payments/${orderNumber}/qr.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.rawPayload.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.headers.etag).not.toBe(etag);

    const revalidated = await get(`/v1/payments/${orderNumber}/qr.svg`, apiKeys.a, { "if-none-match": etag });
    expect(revalidated.statusCode).toBe(304);
  });
});
