import type { AddressInfo } from "node:net";
import { waitFor } from "@oceanpos/testing";
import { type IncomingMessage, get } from "node:http";
import { describe, expect, it } from "vitest";
import { seedPayments } from "../src/db/seed-payments.js";
import { adminToken, apiKeys, bearer } from "./harness.js";
import { settled, useReadsFixture } from "./support.js";

describe("CSV export and the daily report", () => {
  const suite = useReadsFixture();
  const { db, redis } = suite;
  const read = suite.get;

  it("exports the list's rows as CSV with the contract's columns, one header row", async () => {
    const a = await suite.payments.pay({ storeId: "store-a", orderNumber: "EX-1", amount: "12.5", createdAt: new Date("2026-03-01T10:00:00.000Z") });
    await suite.payments.pay({ storeId: "store-b", orderNumber: "EX-2", createdAt: new Date("2026-03-01T11:00:00.000Z"), path: ["submitting", "failed"] });
    await suite.payments.pay({ storeId: "store-a", orderNumber: "EX-3", currency: "JPY", amount: "1200", createdAt: new Date("2026-03-01T12:00:00.000Z"), path: [] });
    await settled(redis);
    const res = await read("/v1/payments/export");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = res.body.trimEnd().split("\n");
    expect(lines[0]).toBe("orderNumber,storeId,createdAt,updatedAt,status,mode,method,currency,amount,refundedAmount,paymentId,gatewayCode");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["EX-3", "EX-2", "EX-1"]);
    expect(lines[3]).toBe(`EX-1,store-a,2026-03-01T10:00:00.000Z,${a.updatedAt},succeeded,merchant_scan,WeChatPay_Offline,USD,12.50,0.00,PEX-1,80000`);
    expect(lines[1]).toMatch(/^EX-3,store-a,2026-03-01T12:00:00\.000Z,[^,]+,accepted,merchant_scan,WeChatPay_Offline,JPY,1200,0,,$/);
    const own = (await read("/v1/payments/export?status=succeeded", apiKeys.a)).body.trimEnd().split("\n");
    expect(own.slice(1).map((l) => l.split(",")[0])).toEqual(["EX-1"]);
    expect((await read("/v1/payments/export?storeId=store-b", apiKeys.a)).statusCode).toBe(403);
    // Nothing matches: the header row alone.
    expect((await read("/v1/payments/export?orderNumber=NONE")).body).toBe(`${lines[0]}\n`);
  });

  it("streams a large export, and a client that hangs up stops the query", async () => {
    await seedPayments(db.pool(), { count: 60_000, stores: ["store-a"], days: 2, until: new Date("2026-03-02T00:00:00Z") });
    await suite.ledger.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = suite.ledger.app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/v1/payments/export`;

    // The whole of it, as a client reads it.
    const full = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
      get(url, { headers: bearer(adminToken), agent: false }, (res) => {
        let lines = 0;
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          for (const byte of chunk) if (byte === 10) lines++;
        });
        res.on("end", () => resolve({ lines, bytes }));
        res.on("error", reject);
      }).on("error", reject);
    });
    expect(full.lines).toBe(60_001);
    expect(full.bytes).toBeGreaterThan(60_000 * 80);

    // Rows of 2 KB (120 MB in all): far more than the sockets between PostgreSQL, the ledger and
    // the client hold, so a client that stops reading holds the query.
    await db.pool().query("UPDATE payments SET payment_id = repeat('P', 2000)");

    // Cut after the first chunk: the export's query must not go on (nor sit idle in its transaction).
    const exporting = async () =>
      Number((await db.pool().query("select count(*) from pg_stat_activity where application_name = 'oceanpos-ledger' and backend_type = 'client backend' and state <> 'idle' and query like 'COPY (SELECT order_number%'")).rows[0].count);
    const cut = get(url, { headers: bearer(adminToken), agent: false });
    const response = await new Promise<IncomingMessage>((resolve) => cut.once("response", resolve));
    await new Promise((resolve) => response.once("data", resolve));
    response.pause();
    // The client reads no more: the export waits for it (backpressure: PostgreSQL waits on ClientWrite).
    await waitFor(async () => (await exporting()) === 1, { message: "the export's query open while the client holds the connection" });

    cut.destroy();
    await waitFor(async () => (await exporting()) === 0, { timeoutMs: 5_000, message: "the export's query to stop once the client hung up" });
    // The pool is whole again: a list still answers.
    expect((await read("/v1/payments?limit=1")).statusCode).toBe(200);
  }, 90_000);

  it("exports that hold every read connection do not stall the drain", async () => {
    await suite.restart({ DATABASE_POOL_SIZE: "2" });
    // More than the sockets' buffers hold (~16 MB): an export whose client stops reading stays open.
    await seedPayments(db.pool(), { count: 100_000, stores: ["store-a"], days: 1, until: new Date("2026-03-02T00:00:00Z") });
    await suite.ledger.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = suite.ledger.app.server.address() as AddressInfo;
    // Two exports whose clients read one chunk and then nothing: each holds (or waits for) a connection.
    const held = [];
    for (let i = 0; i < 2; i++) {
      const req = get(`http://127.0.0.1:${port}/v1/payments/export`, { headers: bearer(adminToken), agent: false });
      req.on("error", () => {});
      req.on("response", (res) => res.once("data", () => res.pause()));
      held.push(req);
    }
    try {
      const paid = await suite.payments.pay();
      await settled(redis);
      expect((await db.pool().query("select version from payments where order_number = $1", [paid.orderNumber])).rows).toEqual([{ version: 3 }]);
    } finally {
      for (const req of held) req.destroy();
    }
  }, 90_000);

  it("sums one day per store and currency in a time zone, exactly, across the zone's midnight", async () => {
    // Asia/Shanghai is UTC+8: 15:59:59.999Z is 23:59:59.999 on the 9th there, 16:00Z is midnight of the 10th.
    await suite.payments.pay({ storeId: "store-a", amount: "0.10", createdAt: new Date("2026-03-09T15:59:59.999Z") });
    await suite.payments.pay({ storeId: "store-a", amount: "0.10", createdAt: new Date("2026-03-09T16:00:00.000Z") });
    await suite.payments.pay({ storeId: "store-a", amount: "0.20", createdAt: new Date("2026-03-10T02:00:00.000Z"), method: "Alipay_Offline" });
    await suite.payments.pay({ storeId: "store-a", amount: "7.00", createdAt: new Date("2026-03-10T03:00:00.000Z"), path: ["submitting", "failed"] });
    await suite.payments.pay({ storeId: "store-a", amount: "3.00", createdAt: new Date("2026-03-10T04:00:00.000Z"), path: ["submitting", "pending", "voided"] });
    await suite.payments.pay({ storeId: "store-a", amount: "4.00", createdAt: new Date("2026-03-10T05:00:00.000Z"), path: ["submitting", "needs_review"] });
    await suite.payments.pay({ storeId: "store-a", amount: "1500", currency: "JPY", createdAt: new Date("2026-03-10T06:00:00.000Z") });
    await suite.payments.pay({ storeId: "store-b", amount: "9.99", createdAt: new Date("2026-03-10T15:59:59.000Z") });
    await suite.payments.pay({ storeId: "store-b", amount: "100.00", createdAt: new Date("2026-03-10T16:00:00.000Z") });
    await settled(redis);

    const res = await read("/v1/reports/daily?date=2026-03-10");
    expect(res.statusCode, res.body).toBe(200);
    const zero = { count: 0, amount: "0.00" };
    expect(res.json()).toEqual({
      date: "2026-03-10",
      timeZone: "Asia/Shanghai",
      stores: [
        {
          storeId: "store-a", currency: "JPY", payments: { count: 1, amount: "1500" }, refunds: { count: 0, amount: "0" }, net: "1500",
          failed: 0, voided: 0, needsReview: 0,
          byMethod: [{ method: "WeChatPay_Offline", payments: { count: 1, amount: "1500" }, refunds: { count: 0, amount: "0" } }],
        },
        {
          storeId: "store-a", currency: "USD", payments: { count: 2, amount: "0.30" }, refunds: zero, net: "0.30",
          failed: 1, voided: 1, needsReview: 1,
          byMethod: [
            { method: "Alipay_Offline", payments: { count: 1, amount: "0.20" }, refunds: zero },
            { method: "WeChatPay_Offline", payments: { count: 1, amount: "0.10" }, refunds: zero },
          ],
        },
        {
          storeId: "store-b", currency: "USD", payments: { count: 1, amount: "9.99" }, refunds: zero, net: "9.99",
          failed: 0, voided: 0, needsReview: 0,
          byMethod: [{ method: "WeChatPay_Offline", payments: { count: 1, amount: "9.99" }, refunds: zero }],
        },
      ],
    });
    // The same instants, another zone: in UTC the 9th ends at 23:59:59.999Z.
    const utc = (await read("/v1/reports/daily?date=2026-03-09&timeZone=UTC")).json();
    expect(utc.stores).toHaveLength(1);
    expect(utc.stores[0]).toMatchObject({ storeId: "store-a", currency: "USD", payments: { count: 2, amount: "0.20" } });
    // A store key: its own store; another store's report is refused.
    const own = (await read("/v1/reports/daily?date=2026-03-10", apiKeys.b)).json();
    expect(own.stores.map((s: { storeId: string }) => s.storeId)).toEqual(["store-b"]);
    expect((await read("/v1/reports/daily?date=2026-03-10&storeId=store-a", apiKeys.b)).statusCode).toBe(403);
    expect((await read("/v1/reports/daily?date=2026-03-10&storeId=store-b")).json().stores).toHaveLength(1);
  });

  it("a day of 23 hours (DST) is one day", async () => {
    // America/New_York moves to EDT on 2026-03-08: that day runs 05:00Z to 04:00Z next day.
    await suite.payments.pay({ storeId: "store-a", amount: "1.00", createdAt: new Date("2026-03-08T04:59:59.000Z") });
    await suite.payments.pay({ storeId: "store-a", amount: "2.00", createdAt: new Date("2026-03-08T05:00:00.000Z") });
    await suite.payments.pay({ storeId: "store-a", amount: "4.00", createdAt: new Date("2026-03-09T03:59:59.000Z") });
    await suite.payments.pay({ storeId: "store-a", amount: "8.00", createdAt: new Date("2026-03-09T04:00:00.000Z") });
    await settled(redis);
    const day = (await read("/v1/reports/daily?date=2026-03-08&timeZone=America/New_York")).json();
    expect(day.stores[0].payments).toEqual({ count: 2, amount: "6.00" });
  });

  it("answers 400 naming a bad date or time zone", async () => {
    for (const [query, parameter] of [
      ["", "date"],
      ["date=2026-02-30", "date"],
      ["date=10/03/2026", "date"],
      ["date=2026-03-10&timeZone=Mars/Olympus", "timeZone"],
      ["date=2026-03-10&timeZone=%2B08:00", "timeZone"],
      ["date=2026-03-10&timeZone=UTC%2B8", "timeZone"],
      ["date=2026-03-10&storeId=a%20b", "storeId"],
      ["date=2026-03-10&limit=5", "limit"],
    ]) {
      const res = await read(`/v1/reports/daily?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.issues.map((i: { path: string }) => i.path), query).toEqual([parameter]);
    }
  });
});
