import { redisKeys } from "@oceanpos/core/redis";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, account, startLedger, testConfig } from "./harness.js";
import { settled } from "./support.js";

// 0.00002 days: 1.7 s.
const retentionEnv = { PAYMENT_RETENTION_DAYS: "0.00002", LEDGER_RETENTION_SWEEP_INTERVAL_MS: "200" };

describe("retention: final payments leave Redis once archived", () => {
  const db = usePostgres();
  const redis = useRedis();
  const ledgers: Ledger[] = [];

  afterEach(async () => {
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
  });

  it("removes archived final payments past the window with their idempotency record, keeps the open ones, and a reused order number is a new payment", async () => {
    const payments = new Payments(redis.client(), redis.prefix);
    const keys = redisKeys(redis.prefix);
    const done = await Promise.all(Array.from({ length: 5 }, () => payments.pay()));
    const open = await payments.pay({ path: ["submitting", "pending"] });
    ledgers.push(await startLedger(testConfig(db, redis, retentionEnv)));
    const inRedis = async (orderNumber: string) => (await redis.client().exists(keys.payment(account, orderNumber))) === 1;

    await waitFor(async () => (await Promise.all(done.map((p) => inRedis(p.orderNumber)))).every((x) => !x), { timeoutMs: 20_000, message: "the final payments removed from Redis" });
    expect(await inRedis(open.orderNumber), "a payment that is not final stays").toBe(true);
    expect(await redis.client().zcard(keys.finalIndex)).toBe(0);
    const rows = (await db.pool().query("select order_number, version from payments")).rows;
    expect(rows).toHaveLength(6);

    // The window is over: the same order number is a new payment, archived beside the first.
    const again = await payments.pay({ orderNumber: done[0]?.orderNumber, amount: "99.00", path: ["submitting", "failed"] });
    await settled(redis);
    const both = (await db.pool().query("select amount::text as amount, status from payments where order_number = $1 order by created_at", [again.orderNumber])).rows;
    expect(both).toEqual([{ amount: "12.50", status: "succeeded" }, { amount: "99.00", status: "failed" }]);
    const metrics = await ledgers[0]?.registry.getSingleMetricAsString("ledger_retention_removed_total");
    expect(metrics).toMatch(/ledger_retention_removed_total\{[^}]*\} [56]\n?$/);
  }, 60_000);

  it("keeps every payment the archive does not hold at Redis's version", async () => {
    const payments = new Payments(redis.client(), redis.prefix);
    const keys = redisKeys(redis.prefix);
    const paid = await Promise.all(Array.from({ length: 3 }, () => payments.pay()));
    // A ledger that archived nothing: another group name, the archive emptied, the position claims everything.
    ledgers.push(await startLedger(testConfig(db, redis, { ...retentionEnv, LEDGER_GROUP: "elsewhere" })));
    await waitFor(async () => (await redis.client().get(keys.archivedBelow)) !== null, { message: "a position stored" });
    await db.pool().query("truncate events, payments, refunds");
    const sweep = ledgers[0]?.retention;
    // Once the three are past the window, a round (the lock taken from the ledger's own timer) keeps them.
    const result = await waitFor(
      async () => {
        await redis.client().del(keys.retentionSweepLock);
        const round = await sweep?.sweep();
        return round?.kept.not_archived === 3 ? round : undefined;
      },
      { timeoutMs: 20_000, message: "a sweep round finding the three due and not archived" },
    );
    expect(result.removed).toBe(0);
    for (const p of paid) expect(await payments.store.get({ account, orderNumber: p.orderNumber })).toEqual(p);
  }, 60_000);

  it("sweeps the final payments made before the retention index existed, once archived and past the window", async () => {
    const payments = new Payments(redis.client(), redis.prefix);
    const keys = redisKeys(redis.prefix);
    const old = await Promise.all(Array.from({ length: 3 }, () => payments.pay()));
    const open = await payments.pay({ path: ["submitting", "pending"] });
    // As Redis held them before the index: in no index, no latest event recorded.
    await redis.client().del(keys.finalIndex);
    for (const p of [...old, open]) await redis.client().hdel(keys.payment(account, p.orderNumber), "eventId");
    ledgers.push(await startLedger(testConfig(db, redis, retentionEnv)));
    const inRedis = async (orderNumber: string) => (await redis.client().exists(keys.payment(account, orderNumber))) === 1;

    await waitFor(async () => (await Promise.all(old.map((p) => inRedis(p.orderNumber)))).every((x) => !x), { timeoutMs: 20_000, message: "the old final payments removed from Redis" });
    expect(await inRedis(open.orderNumber), "a payment that is not final stays").toBe(true);
    expect(await redis.client().get(keys.retentionBackfill)).toBe("done");
    const archived = (await db.pool().query("select order_number from payments where status = 'succeeded'")).rows.map((r) => r.order_number);
    expect(archived.sort()).toEqual(old.map((p) => p.orderNumber).sort());
    const metrics = await ledgers[0]?.registry.getSingleMetricAsString("ledger_retention_enrolled_total");
    expect(metrics).toMatch(/ledger_retention_enrolled_total\{[^}]*\} 3\n?$/);
  }, 60_000);
});
