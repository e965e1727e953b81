import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, apiKeys, auth, customerScan, merchantScan, startHarness } from "./harness.js";

describe("POST /v1/payments/batch", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  const batch = (payload: unknown, key: string = apiKeys.a) =>
    h.app.inject({ method: "POST", url: "/v1/payments/batch", headers: auth(key), payload: payload as object });

  it("answers every item in request order: created, invalid, duplicate replay and conflict, taken elsewhere", async () => {
    const existing = merchantScan();
    await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(), payload: existing });
    const takenByB = customerScan();
    await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(apiKeys.b), payload: takenByB });

    const first = customerScan();
    const second = merchantScan();
    const items = [
      first,
      { ...merchantScan(), amount: "-1", colour: "red" },
      second,
      first, // identical duplicate inside the batch: a replay of item 0
      { ...second, amount: "99.00" }, // same orderNumber, other body: a conflict with item 2
      existing, // replay of an earlier request
      takenByB, // another store's orderNumber
      "not an object",
    ];
    const res = await batch({ payments: items });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([202, 400, 202, 200, 409, 200, 409, 400]);
    expect(results.map((r: { orderNumber: string | null }) => r.orderNumber)).toEqual([
      first.orderNumber,
      items[1] && (items[1] as { orderNumber: string }).orderNumber,
      second.orderNumber,
      first.orderNumber,
      second.orderNumber,
      existing.orderNumber,
      takenByB.orderNumber,
      null,
    ]);
    expect(results[0].payment).toMatchObject({ status: "accepted", storeId: "store-a", method: "Alipay_Offline" });
    expect(results[1].error.code).toBe("invalid_request");
    expect(results[1].error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["amount", "colour"]);
    expect(results[4].error.code).toBe("idempotency_conflict");
    expect(results[6].error.code).toBe("idempotency_conflict");
    expect(JSON.stringify(results[6])).not.toContain("store-b");

    // Exactly the two payments the batch created are to be sent, after the two created before it.
    expect(await h.feed()).toEqual([existing, takenByB, first, second].map((b) => b.orderNumber));
  });

  it("refuses an item whose amount has decimals its currency does not have, alone", async () => {
    const yen = customerScan({ currency: "KRW", amount: "1000.5" });
    const dollars = customerScan({ currency: "USD", amount: "1000.5" });
    const res = await batch({ payments: [yen, dollars] });
    const { results } = res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([400, 202]);
    expect(results[0].error.issues).toEqual([{ path: "amount", message: "KRW amounts are whole numbers" }]);
    expect(await h.feed()).toEqual([dollars.orderNumber]);
  });

  it("refuses a missing payments list or more than 500 items as a whole", async () => {
    for (const payload of [{}, { payments: [] }, { payments: Array.from({ length: 501 }, () => customerScan()) }, { payments: [], extra: 1 }]) {
      const res = await batch(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe("invalid_request");
      expect(res.json().error.issues.length).toBeGreaterThan(0);
    }
  });

  it("accepts 500 payments in one request", async () => {
    const items = Array.from({ length: 500 }, () => customerScan());
    const res = await batch({ payments: items });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.every((r: { status: number }) => r.status === 202)).toBe(true);
    expect(await h.feed()).toEqual(items.map((i) => i.orderNumber));
  });
});
