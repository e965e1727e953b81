import type { Payment } from "@oceanpos/core/payments";
import { describe, expect, it } from "vitest";
import { type Payments, apiKeys } from "./harness.js";
import { settled, useReadsFixture } from "./support.js";

describe("back-office lists", () => {
  const suite = useReadsFixture();
  const { redis, get } = suite;
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 12, minute));

  /** Payments created a minute apart (minute 0 first), archived. */
  async function archived(specs: Parameters<Payments["pay"]>[0][]): Promise<Payment[]> {
    const out: Payment[] = [];
    for (const [i, spec] of specs.entries()) out.push(await suite.payments.pay({ createdAt: at(i), ...spec }));
    await settled(redis);
    return out;
  }

  it("lists newest first, filtered by store, status, method, order number prefix and createdAt range", async () => {
    const paid = await archived([
      { storeId: "store-a", orderNumber: "A-100" },
      { storeId: "store-b", orderNumber: "B-100", method: "Alipay_Offline" },
      { storeId: "store-a", orderNumber: "A-101", path: ["submitting", "failed"] },
      { storeId: "store-a", orderNumber: "A_102", method: "Alipay_Offline" },
      { storeId: "store-b", orderNumber: "B-101" },
    ]);
    const numbers = async (url: string) => {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().data as Payment[]).map((p) => p.orderNumber);
    };
    expect(await numbers("/v1/payments")).toEqual(["B-101", "A_102", "A-101", "B-100", "A-100"]);
    expect((await get("/v1/payments")).json().data[0]).toEqual(paid[4]);
    expect(await numbers("/v1/payments?order=asc")).toEqual(["A-100", "B-100", "A-101", "A_102", "B-101"]);
    expect(await numbers("/v1/payments?storeId=store-a")).toEqual(["A_102", "A-101", "A-100"]);
    expect(await numbers("/v1/payments?status=failed")).toEqual(["A-101"]);
    expect(await numbers("/v1/payments?method=Alipay_Offline")).toEqual(["A_102", "B-100"]);
    expect(await numbers("/v1/payments?storeId=store-a&method=WeChatPay_Offline&status=succeeded")).toEqual(["A-100"]);
    // A prefix, and `_` is a character, not a wildcard.
    expect(await numbers("/v1/payments?orderNumber=A-")).toEqual(["A-101", "A-100"]);
    expect(await numbers("/v1/payments?orderNumber=A_")).toEqual(["A_102"]);
    // from inclusive, to exclusive.
    expect(await numbers(`/v1/payments?from=${at(1).toISOString()}&to=${at(3).toISOString()}`)).toEqual(["A-101", "B-100"]);
    expect(await numbers(`/v1/payments?from=2026-03-01T12:01:00%2B00:00&to=2026-03-02`)).toEqual(["B-101", "A_102", "A-101", "B-100"]);
  });

  it("pages with cursors: every row once, ties broken by store and order number, stable while rows are inserted", async () => {
    // Three payments share one createdAt: the keyset's later columns order them.
    const first = await archived(Array.from({ length: 7 }, (_, i) => ({ storeId: i % 2 === 0 ? "store-a" : "store-b", createdAt: at(i < 3 ? 0 : i) })));
    const page1 = (await get("/v1/payments?limit=3")).json();
    expect(page1.data).toHaveLength(3);
    expect(page1.nextCursor).toEqual(expect.any(String));
    // Meanwhile: two newer payments and one older than everything listed so far.
    await suite.payments.pay({ createdAt: at(30) });
    await suite.payments.pay({ createdAt: at(31) });
    const older = await suite.payments.pay({ createdAt: new Date(Date.UTC(2026, 1, 1)) });
    await settled(redis);
    const seen = [...page1.data];
    let cursor: string | null = page1.nextCursor;
    while (cursor) {
      const page = (await get(`/v1/payments?limit=3&cursor=${cursor}`)).json();
      seen.push(...page.data);
      cursor = page.nextCursor;
    }
    const expected = [...first]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.storeId.localeCompare(a.storeId) || b.orderNumber.localeCompare(a.orderNumber))
      .map((p) => p.orderNumber);
    expect(seen.map((p: Payment) => p.orderNumber)).toEqual([...expected, older.orderNumber]);
    // The last page says so.
    expect((await get("/v1/payments?limit=500")).json().nextCursor).toBeNull();
  });

  it("a store key sees its own store only; naming another store is 403", async () => {
    await archived([{ storeId: "store-a" }, { storeId: "store-b" }]);
    const own = await get("/v1/payments", apiKeys.a);
    expect(own.statusCode).toBe(200);
    expect(own.json().data.map((p: Payment) => p.storeId)).toEqual(["store-a"]);
    expect((await get("/v1/payments?storeId=store-a", apiKeys.a)).json().data).toHaveLength(1);
    const other = await get("/v1/payments?storeId=store-b", apiKeys.a);
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: "forbidden", requestId: other.headers["request-id"] });
    // A cursor made by the operator's list is not a way into another store.
    const operatorPage = (await get("/v1/payments?limit=1")).json();
    expect((await get(`/v1/payments?cursor=${operatorPage.nextCursor}`, apiKeys.a)).statusCode).toBe(400);
    expect((await get("/v1/payments", "not-a-key")).statusCode).toBe(401);
    expect((await suite.ledger.app.inject({ method: "GET", url: "/v1/payments" })).json().error.code).toBe("unauthorized");
  });

  it("answers 400 naming each bad parameter", async () => {
    await archived([{}, {}]);
    const cursor = (await get("/v1/payments?limit=1")).json().nextCursor as string;
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["limit=ten", "limit"],
      ["limit=1.5", "limit"],
      ["status=paid", "status"],
      ["method=Cash", "method"],
      ["orderNumber=A%25", "orderNumber"],
      ["orderNumber=", "orderNumber"],
      ["storeId=a%20b", "storeId"],
      ["from=yesterday", "from"],
      ["to=2026-13-01", "to"],
      ["from=2026-03-01T12:00:00", "from"],
      ["from=2026-03-02&to=2026-03-01", "to"],
      ["from=2026-03-02&to=2026-03-02", "to"],
      ["order=newest", "order"],
      ["cursor=not-a-cursor", "cursor"],
      [`cursor=${cursor}&status=succeeded`, "cursor"],
      [`cursor=${cursor}&order=asc`, "cursor"],
      ["status=failed&status=voided", "status"],
      ["sort=amount", "sort"],
    ];
    for (const [query, parameter] of cases) {
      const res = await get(`/v1/payments?${query}`);
      expect(res.statusCode, query).toBe(400);
      const error = res.json().error;
      expect(error.code, query).toBe("invalid_request");
      expect(error.issues.map((i: { path: string }) => i.path), query).toEqual([parameter]);
      expect(error.message, query).toContain(parameter);
    }
    for (const query of ["limit=0", "cursor=x", "status=paid", "storeId=-", "limit=20"]) {
      expect((await get(`/v1/payments/export?${query}`)).statusCode, `export ${query}`).toBe(query === "storeId=-" ? 200 : 400);
      expect((await get(`/v1/refunds?${query}`)).statusCode, `refunds ${query}`).toBe(query === "storeId=-" || query === "limit=20" ? 200 : 400);
    }
  });

  it("lists refunds from their table, with the same filters and store isolation", async () => {
    await archived([{ storeId: "store-a", orderNumber: "RF-A", method: "Alipay_Offline" }, { storeId: "store-b", orderNumber: "RF-B" }]);
    expect((await get("/v1/refunds")).json()).toEqual({ data: [], nextCursor: null });
    const client = redis.client();
    const refund = (storeId: string, orderNumber: string, refundNumber: string, minute: number) => ({
      refundNumber, orderNumber, storeId, amount: "1.00", currency: "USD", status: "succeeded", version: 3,
      createdAt: at(10 + minute).toISOString(), updatedAt: at(10 + minute).toISOString(), history: [],
    });
    for (const r of [refund("store-a", "RF-A", "R1", 0), refund("store-b", "RF-B", "R1", 1), refund("store-a", "RF-A", "R2", 2)]) {
      await client.xadd(suite.payments.eventsKey, "*", "type", "refund.succeeded", "at", r.updatedAt, "storeId", r.storeId, "data", JSON.stringify(r));
    }
    await settled(redis);
    const refunds = async (url: string, token?: string) => (await get(url, token)).json().data.map((r: { storeId: string; refundNumber: string }) => `${r.storeId}/${r.refundNumber}`);
    expect(await refunds("/v1/refunds")).toEqual(["store-a/R2", "store-b/R1", "store-a/R1"]);
    expect(await refunds("/v1/refunds", apiKeys.b)).toEqual(["store-b/R1"]);
    expect(await refunds("/v1/refunds?method=Alipay_Offline")).toEqual(["store-a/R2", "store-a/R1"]);
    const page = (await get("/v1/refunds?limit=2")).json();
    expect((await get(`/v1/refunds?limit=2&cursor=${page.nextCursor}`)).json().data.map((r: { refundNumber: string }) => r.refundNumber)).toEqual(["R1"]);
    expect((await get("/v1/refunds?storeId=store-a", apiKeys.b)).statusCode).toBe(403);
  });
});
