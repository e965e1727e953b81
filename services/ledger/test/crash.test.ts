import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { redisKeys, streamGroupBacklog, xinfoFields } from "@oceanpos/core/redis";
import { freePort, rewriteAppendOnlyFile, usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import type pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, adminToken, startLedger, testConfig } from "./harness.js";
import { settled } from "./support.js";

const serviceDir = fileURLToPath(new URL("..", import.meta.url));

/** The archive equals the truth: every stream entry once, every payment at the version Redis holds. */
async function expectArchiveEqualsTruth(pool: pg.Pool, payments: Payments, orderNumbers: string[]): Promise<void> {
  const stream = (await payments.entries()).map(([id]) => id).sort();
  const archived = (await pool.query("select stream_id from events order by stream_id")).rows.map((r) => r.stream_id);
  expect(archived).toEqual(stream);
  const rows = new Map((await pool.query("select order_number, resource::text as resource from payments")).rows.map((r) => [r.order_number, JSON.parse(r.resource)]));
  expect(rows.size).toBe(orderNumbers.length);
  for (const orderNumber of orderNumbers) expect(rows.get(orderNumber)).toEqual(await payments.store.get({ account: "995149", orderNumber }));
}

describe("a ledger killed mid-batch", () => {
  const db = usePostgres();
  const redis = useRedis();
  const ledgers: Ledger[] = [];
  let child: ChildProcess | undefined;

  afterEach(async () => {
    child?.kill("SIGKILL");
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
  });

  it("leaves its batch pending; another ledger claims it and writes each event once", async () => {
    const payments = new Payments(redis.client(), redis.prefix);
    const config = testConfig(db, redis);
    // Migrated first, so that the lock below can be taken on the table.
    ledgers.push(await startLedger(config, "first"));
    await ledgers.pop()?.close();
    const paid = await Promise.all(Array.from({ length: 30 }, () => payments.pay()));

    // Payments locked: the child's batch inserts its events, then waits on the upsert.
    const blocker = await db.pool().connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE payments IN ACCESS EXCLUSIVE MODE");
    const port = await freePort();
    child = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
      cwd: serviceDir,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ADMIN_TOKEN: adminToken, LEDGER_PORT: String(port), LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    const pool = db.pool();
    await waitFor(
      async () => Number((await pool.query("select count(*) from pg_stat_activity where application_name like 'oceanpos-ledger%' and wait_event_type = 'Lock'")).rows[0].count) > 0,
      { timeoutMs: 30_000, message: "the child ledger's batch waiting on the locked table" },
    );
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    await blocker.query("COMMIT");
    blocker.release();

    const backlog = await streamGroupBacklog(redis.client(), payments.eventsKey, "ledger");
    expect(backlog?.pending, "the killed ledger's batch is read but not acknowledged").toBeGreaterThan(0);
    // Its transaction died with it: nothing of the batch is in the archive.
    await waitFor(async () => Number((await pool.query("select count(*) from pg_stat_activity where application_name like 'oceanpos-ledger%'")).rows[0].count) === 0, { message: "the killed ledger's sessions gone" });
    expect(Number((await pool.query("select count(*) from events")).rows[0].count)).toBe(0);

    ledgers.push(await startLedger(config, "second"));
    await waitFor(async () => {
      const b = await streamGroupBacklog(redis.client(), payments.eventsKey, "ledger");
      return b?.pending === 0 && b.unread === 0;
    }, { timeoutMs: 20_000, message: "the second ledger to claim and commit the dead one's entries" });
    await expectArchiveEqualsTruth(pool, payments, paid.map((p) => p.orderNumber));
  }, 60_000);
});

describe("PostgreSQL stopped for a while, then started again", () => {
  // A server of the suite's own: this one is stopped on purpose, never the shared one.
  const db = usePostgres({ own: true });
  const redis = useRedis();
  let ledger: Ledger | undefined;

  afterEach(async () => {
    await ledger?.close();
  });

  it("the ledger is unready meanwhile, nothing unarchived leaves Redis (events or payments), and it catches up after", async () => {
    // Events trimmed as soon as the retention allows (1 ms) and payments due after 1.7 s: only
    // the ledger's position holds them.
    const payments = new Payments(redis.client(), redis.prefix, undefined, 1);
    const keys = redisKeys(redis.prefix);
    ledger = await startLedger(testConfig(db, redis, { LEDGER_BATCH_SIZE: "10", PAYMENT_RETENTION_DAYS: "0.00002", LEDGER_RETENTION_SWEEP_INTERVAL_MS: "200" }));
    const before = await Promise.all(Array.from({ length: 10 }, () => payments.pay()));
    const pool = db.pool();
    await waitFor(async () => Number((await pool.query("select count(*) from events")).rows[0].count) === 30, { message: "the first events archived" });

    await db.server.stop();
    const during = await Promise.all(Array.from({ length: 25 }, () => payments.pay()));
    const readyz = await ledger.app.inject({ method: "GET", url: "/readyz" });
    expect(readyz.statusCode).toBe(503);
    expect(readyz.json().checks).toMatchObject({ postgres: "down", redis: "ok" });
    const list = await ledger.app.inject({ method: "GET", url: "/v1/payments", headers: { authorization: `Bearer ${adminToken}` } });
    expect(list.statusCode).toBe(503);
    expect(list.json().error.code).toBe("unavailable");
    const backlog = await streamGroupBacklog(redis.client(), payments.eventsKey, "ledger");
    expect((backlog?.unread ?? 0) + (backlog?.pending ?? 0), "the events written meanwhile wait in the stream").toBe(75);
    // Every payment written meanwhile is past the retention and still in Redis, its events in the stream.
    await waitFor(async () => /ledger_retention_due\{[^}]*\} (2[5-9]|[3-9]\d)/.test(await ledger!.registry.getSingleMetricAsString("ledger_retention_due")), {
      timeoutMs: 20_000,
      message: "the payments written during the outage past the retention",
    });
    for (const p of during) expect(await payments.store.get({ account: "995149", orderNumber: p.orderNumber })).toEqual(p);
    await payments.pay(); // one more append: trimming runs, bounded by the position
    expect(await redis.client().xlen(keys.events)).toBeGreaterThanOrEqual(78);

    await db.server.start();
    await waitFor(async () => {
      const b = await streamGroupBacklog(redis.client(), payments.eventsKey, "ledger");
      return b?.pending === 0 && b.unread === 0;
    }, { timeoutMs: 30_000, message: "the ledger to catch up once PostgreSQL is back" });
    expect((await ledger.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    // Every event emitted is archived once; every payment at its final version.
    const events = (await db.pool().query("select count(*)::int as n, count(distinct stream_id)::int as d from events")).rows[0];
    expect(events).toEqual({ n: 108, d: 108 });
    const rows = new Map((await db.pool().query("select order_number, resource::text as resource from payments")).rows.map((r) => [r.order_number, JSON.parse(r.resource)]));
    for (const p of [...before, ...during]) expect(rows.get(p.orderNumber)).toEqual(p);
    // Archived now: the sweep removes them.
    await waitFor(async () => (await redis.client().zcard(keys.finalIndex)) === 0, { timeoutMs: 20_000, message: "the archived payments removed from Redis" });
  }, 120_000);
});

describe("Redis restarted from a rewritten append-only file while the ledger drains", () => {
  // A Redis of the suite's own (one per describe): this one is killed and restarted on purpose.
  const db = usePostgres();
  const redis = useRedis();
  let ledger: Ledger | undefined;

  afterEach(async () => {
    await ledger?.close();
  });

  it("archives every event once, and the group shows lag 0 and pending 0 again (the chaos run's end check)", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be restarted by a test");
    const payments = new Payments(redis.client(), redis.prefix);
    ledger = await startLedger(testConfig(db, redis));
    const paid = await Promise.all(Array.from({ length: 10 }, () => payments.pay()));
    await settled(redis);
    // Redis rewrites its file once it has grown; what the group reads after is written as XCLAIM … LASTID.
    await rewriteAppendOnlyFile(redis.client());
    paid.push(...(await Promise.all(Array.from({ length: 10 }, () => payments.pay()))));
    await settled(redis);
    await redis.server.restart({ hard: true });
    paid.push(...(await Promise.all(Array.from({ length: 5 }, () => payments.pay()))));

    // What the chaos run's end check reads: Redis's own lag and pending of the group.
    const groupInfo = async () => {
      const rows = (await redis.client().xinfo("GROUPS", payments.eventsKey)) as unknown[][];
      const f = rows.map(xinfoFields).find((r) => r.get("name") === "ledger");
      return { lag: f?.get("lag"), pending: f?.get("pending") };
    };
    await waitFor(async () => {
      const info = await groupInfo();
      return info.lag === 0 && info.pending === 0;
    }, { timeoutMs: 20_000, message: "the ledger group at lag 0 and pending 0 after the restart" });
    await expectArchiveEqualsTruth(db.pool(), payments, paid.map((p) => p.orderNumber));
  }, 60_000);
});
