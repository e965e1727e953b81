import { redisKeys, streamGroupBacklog } from "@oceanpos/core/redis";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, startLedger, testConfig } from "./harness.js";

describe("the drain: event stream → PostgreSQL", () => {
  const db = usePostgres();
  const redis = useRedis();
  const ledgers: Ledger[] = [];
  let payments: Payments;

  beforeEach(async () => {
    payments = new Payments(redis.client(), redis.prefix);
    const pool = db.pool();
    // Tables exist once a ledger of this suite migrated; each test starts from an empty archive.
    await pool.query("DO $$ BEGIN IF to_regclass('events') IS NOT NULL THEN TRUNCATE events, payments, refunds; END IF; END $$");
  });

  afterEach(async () => {
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
  });

  const start = async (env: Record<string, string> = {}, consumer?: string) => {
    const ledger = await startLedger(testConfig(db, redis, env), consumer);
    ledgers.push(ledger);
    return ledger;
  };

  /** Waits until the group has read and acknowledged every entry. */
  const settled = () =>
    waitFor(async () => {
      const backlog = await streamGroupBacklog(redis.client(), payments.eventsKey, "ledger");
      return backlog?.unread === 0 && backlog.pending === 0;
    }, { timeoutMs: 15_000, message: "the ledger group to read and acknowledge every entry" });

  /** Waits until the archive holds `count` events. */
  const archivedEvents = async (count: number) => {
    const pool = db.pool();
    await waitFor(async () => Number((await pool.query("select count(*) from events")).rows[0].count) >= count, { timeoutMs: 15_000, message: `${count} events archived` });
  };

  it("archives every event and the latest version of every payment, then stores its position", async () => {
    const paid = [];
    for (let i = 0; i < 20; i++) paid.push(await payments.pay({ path: i % 4 === 0 ? ["submitting", "failed"] : ["submitting", "succeeded"] }));
    const ledger = await start({ LEDGER_BATCH_SIZE: "7" });
    await archivedEvents(60);
    const pool = db.pool();
    const rows = (await pool.query("select order_number, version, status, resource::text as resource from payments order by order_number")).rows;
    expect(rows).toHaveLength(20);
    for (const p of paid) {
      const row = rows.find((r) => r.order_number === p.orderNumber);
      expect(row).toMatchObject({ version: 3, status: p.status });
      expect(JSON.parse(row.resource)).toEqual(p);
    }
    const stream = await payments.entries();
    const archivedIds = (await pool.query("select stream_id from events")).rows.map((r) => r.stream_id).sort();
    expect(archivedIds).toEqual(stream.map(([id]) => id).sort());
    // Everything read is committed and acknowledged: the position is past the last entry.
    const last = stream[stream.length - 1]?.[0] as string;
    await waitFor(async () => (await ledger.position.read()) === `${last.split("-")[0]}-${Number(last.split("-")[1]) + 1}`, { message: "the position past the last entry" });
    expect(await redis.client().get(redisKeys(redis.prefix).archivedBelow)).toBe(await ledger.position.read());
  });

  it("writes nothing twice when the whole stream is read again", async () => {
    for (let i = 0; i < 10; i++) await payments.pay();
    await start();
    await archivedEvents(30);
    const pool = db.pool();
    const before = (await pool.query("select stream_id, archived_at from events order by stream_id")).rows;
    // The group rewound: every entry is delivered again, as after a lost acknowledgement.
    await redis.client().xgroup("SETID", payments.eventsKey, "ledger", "0");
    await settled();
    const after = (await pool.query("select stream_id, archived_at from events order by stream_id")).rows;
    expect(after).toEqual(before);
    expect(Number((await pool.query("select count(*) from payments")).rows[0].count)).toBe(10);
  });

  it("keeps the newest version whatever the order of arrival, and stores duplicated entries as the entries they are", async () => {
    const paid = await payments.pay({ path: ["submitting", "pending", "succeeded"] });
    const entries = await payments.entries();
    const client = redis.client();
    // Rewritten newest first, the last one twice: a stream of out-of-order and duplicated events.
    await client.del(payments.eventsKey);
    const reordered = [...entries].reverse();
    reordered.push(reordered[reordered.length - 1] as [string, string[]]);
    for (const [, fields] of reordered) await client.xadd(payments.eventsKey, "*", ...fields);
    await start({ LEDGER_BATCH_SIZE: "2" });
    await settled();
    const pool = db.pool();
    const row = (await pool.query("select version, status, resource::text as resource from payments")).rows;
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({ version: 4, status: "succeeded" });
    expect(JSON.parse(row[0].resource)).toEqual(paid);
    expect(Number((await pool.query("select count(*) from events")).rows[0].count)).toBe(reordered.length);
  });

  it("keeps a payment whose order number was used again after it left Redis apart from the old one", async () => {
    const client = redis.client();
    let now = new Date("2026-01-01T08:00:00.000Z");
    const later = new Payments(client, redis.prefix, () => now);
    const first = await later.pay({ orderNumber: "REUSED-1", createdAt: now, amount: "10.00" });
    // Retention: the final payment leaves Redis; 40 days later the number comes back.
    await client.del(`{${redis.prefix}}:pay:995149:REUSED-1`);
    now = new Date("2026-02-10T08:00:00.000Z");
    const second = await later.pay({ orderNumber: "REUSED-1", createdAt: now, amount: "99.00", path: ["submitting", "failed"] });
    await start();
    await settled();
    const rows = (await db.pool().query("select resource::text as resource from payments where order_number = 'REUSED-1' order by created_at")).rows;
    expect(rows.map((r) => JSON.parse(r.resource))).toEqual([first, second]);
  });

  it("archives an event whose resource cannot be read, without its row, and goes on", async () => {
    const client = redis.client();
    await client.xadd(payments.eventsKey, "*", "type", "payment.succeeded", "at", new Date().toISOString(), "storeId", "store-a", "data", JSON.stringify({ status: "succeeded", orderNumber: "BROKEN" }));
    await client.xadd(payments.eventsKey, "*", "type", "payment.risk_notice", "at", new Date().toISOString(), "storeId", "store-a", "data", "{not json");
    const good = await payments.pay();
    await start();
    await settled();
    const pool = db.pool();
    expect((await pool.query("select order_number from payments")).rows).toEqual([{ order_number: good.orderNumber }]);
    const types = (await pool.query("select type, data::text as data from events order by stream_id")).rows;
    expect(types.slice(0, 2)).toEqual([
      { type: "payment.succeeded", data: JSON.stringify({ status: "succeeded", orderNumber: "BROKEN" }) },
      { type: "payment.risk_notice", data: JSON.stringify("{not json") },
    ]);
  });

  it("archives refund events into refunds, the newest version winning", async () => {
    const client = redis.client();
    const refund = (version: number, status: string) => ({
      refundNumber: "R-1", orderNumber: "NO-R", storeId: "store-a", amount: "5.00", currency: "USD", status, version,
      createdAt: "2026-03-01T10:00:00.000Z", updatedAt: `2026-03-01T10:00:0${version}.000Z`, history: [],
    });
    for (const [v, s] of [[3, "succeeded"], [1, "accepted"], [2, "pending"]] as const) {
      await client.xadd(payments.eventsKey, "*", "type", `refund.${s}`, "at", new Date().toISOString(), "storeId", "store-a", "data", JSON.stringify(refund(v, s)));
    }
    await start();
    await settled();
    const rows = (await db.pool().query("select refund_number, version, status, amount::text as amount from refunds")).rows;
    expect(rows).toEqual([{ refund_number: "R-1", version: 3, status: "succeeded", amount: "5.00" }]);
  });

  it("two ledgers share the stream: every event once, every payment at its final version", async () => {
    await Promise.all([start({ LEDGER_BATCH_SIZE: "16" }, "ledger-one"), start({ LEDGER_BATCH_SIZE: "16" }, "ledger-two")]);
    const paid = await Promise.all(Array.from({ length: 120 }, (_, i) => payments.pay({ storeId: i % 2 === 0 ? "store-a" : "store-b" })));
    await settled();
    const pool = db.pool();
    const stream = (await payments.entries()).map(([id]) => id).sort();
    const archived = (await pool.query("select stream_id from events order by stream_id")).rows.map((r) => r.stream_id);
    expect(archived).toEqual(stream);
    const rows = new Map((await pool.query("select order_number, resource::text as resource from payments")).rows.map((r) => [r.order_number, JSON.parse(r.resource)]));
    expect(rows.size).toBe(paid.length);
    for (const p of paid) expect(rows.get(p.orderNumber)).toEqual(p);
    // Both did some of the work.
    const consumers = (await redis.client().xinfo("CONSUMERS", payments.eventsKey, "ledger")) as unknown[][];
    expect(consumers.map((c) => c[1]).sort()).toEqual(["ledger-one", "ledger-two"]);
  });
});

