import { streamGroupBacklog } from "@oceanpos/core/redis";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArchivedPosition } from "../src/drain/archived-position.js";
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
    expect(await redis.client().get(ArchivedPosition.keyOf(redis.prefix))).toBe(await ledger.position.read());
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
});
