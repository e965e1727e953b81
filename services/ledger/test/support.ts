import { streamGroupBacklog } from "@oceanpos/core/redis";
import { type PostgresFixture, type RedisFixture, usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { redisKeys } from "@oceanpos/core/redis";
import type { LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, adminToken, bearer, startLedger, testConfig } from "./harness.js";

/** Waits until the `ledger` group has read and acknowledged (committed) every entry of the test's stream. */
export function settled(redis: RedisFixture, timeoutMs = 15_000): Promise<true> {
  const key = redisKeys(redis.prefix).events;
  return waitFor(
    async () => {
      const backlog = await streamGroupBacklog(redis.client(), key, "ledger");
      return backlog?.unread === 0 && backlog.pending === 0;
    },
    { timeoutMs, message: "the ledger group to read and acknowledge every entry" },
  );
}

/** A started ledger over emptied tables and a payment writer on its Redis, per test: what the read suites share. */
export interface ReadsFixture {
  readonly db: PostgresFixture;
  readonly redis: RedisFixture;
  /** This test's ledger (closed after it). */
  readonly ledger: Ledger;
  readonly payments: Payments;
  /** Closes this test's ledger and starts another with `env` on top of `testConfig`'s (closed after the test). */
  restart(env: Record<string, string>): Promise<Ledger>;
  /** A GET through `app.inject()`, as the admin unless `token` says who. */
  get(url: string, token?: string): Promise<LightMyRequestResponse>;
}

/**
 * Provisions PostgreSQL and Redis for the enclosing suite and, before each test, a started ledger
 * over empty `events`, `payments` and `refunds` tables; the ledger is closed after the test.
 */
export function useReadsFixture(): ReadsFixture {
  const db = usePostgres();
  const redis = useRedis();
  let ledger: Ledger | undefined;
  let payments: Payments | undefined;
  beforeEach(async () => {
    ledger = await startLedger(testConfig(db, redis));
    await db.pool().query("TRUNCATE events, payments, refunds");
    payments = new Payments(redis.client(), redis.prefix);
  });
  afterEach(async () => {
    await ledger?.close();
    ledger = undefined;
  });
  const started = (): Ledger => {
    if (!ledger) throw new Error("the ledger exists only inside a test");
    return ledger;
  };
  return {
    db,
    redis,
    get ledger() {
      return started();
    },
    get payments() {
      if (!payments) throw new Error("the payment writer exists only inside a test");
      return payments;
    },
    async restart(env) {
      await started().close();
      ledger = await startLedger(testConfig(db, redis, env));
      return ledger;
    },
    get: (url, token = adminToken) => started().app.inject({ method: "GET", url, headers: bearer(token) }),
  };
}

/** A charge the sandbox records for `orderNumber` (`POST /sandbox/orphan-charge`), at `at` (default now); answers its paymentId. */
export async function orphanCharge(sandboxUrl: string, charge: { orderNumber: string; amount?: string; currency?: string; at?: Date }): Promise<string> {
  const res = await fetch(`${sandboxUrl}/sandbox/orphan-charge`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ orderNumber: charge.orderNumber, amount: charge.amount ?? "12.50", currency: charge.currency ?? "USD", ...(charge.at ? { at: charge.at.toISOString() } : {}) }),
  });
  if (res.status !== 201) throw new Error(`orphan charge of ${charge.orderNumber}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { paymentId: string }).paymentId;
}
