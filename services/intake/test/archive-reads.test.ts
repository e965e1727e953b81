import { redisConnector } from "@oceanpos/core/lifecycle";
import { type Ledger, createLedger } from "@oceanpos/ledger/ledger";
import { loadLedgerConfig } from "@oceanpos/ledger/config";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { PaymentArchive } from "@oceanpos/core/archive";
import { openPaymentArchive } from "../src/payment-archive.js";
import { type Harness, account, adminToken, apiKeys, auth, merchantScan, startHarness, testStores } from "./harness.js";

// Payments leave Redis 1.7 s after their last change once archived.
const retentionDays = "0.00002";

describe("payments that have left Redis: read from the archive, refunded after coming back", () => {
  // Stopped on purpose at the end: a server of the suite's own.
  const db = usePostgres({ own: true });
  const redis = useRedis();
  let ledger: Ledger | undefined;
  let harness: Harness | undefined;
  let archive: PaymentArchive | undefined;

  afterEach(async () => {
    await harness?.close();
    await archive?.close();
    await ledger?.close();
  });

  /** A succeeded payment created through the intake; resolves once the archive has it and Redis no longer does. */
  const archivedPayment = async (h: Harness, body = merchantScan()) => {
    expect((await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(), payload: body })).statusCode).toBe(202);
    const ref = { account, orderNumber: body.orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    const done = await h.payments.transition(ref, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: `P${body.orderNumber}` } });
    if (done.outcome !== "applied") throw new Error("not moved");
    await waitFor(async () => (await h.redis.exists(h.keys.payment(account, body.orderNumber))) === 0, { timeoutMs: 30_000, message: "the payment removed from Redis" });
    return done.payment;
  };

  it("answers GET from PostgreSQL with store isolation, refunds it after putting it back into Redis, and only those reads fail while PostgreSQL is down", async () => {
    const config = loadLedgerConfig({
      DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ADMIN_TOKEN: adminToken, LOG_LEVEL: "silent",
      PAYMENT_RETENTION_DAYS: retentionDays, LEDGER_RETENTION_SWEEP_INTERVAL_MS: "200",
    });
    ledger = await createLedger(config, { stores: testStores(), logger: pino({ level: "silent" }), connect: redisConnector(redis.url) });
    await ledger.start();
    archive = openPaymentArchive({ url: db.url, max: 2, logger: pino({ level: "silent" }) });
    const h = (harness = await startHarness(redis, { archive }));

    const paid = await archivedPayment(h);
    const read = await h.app.inject({ method: "GET", url: `/v1/payments/${paid.orderNumber}`, headers: auth() });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(paid);
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${paid.orderNumber}`, headers: auth(apiKeys.b) })).statusCode, "another store's").toBe(404);
    expect((await h.app.inject({ method: "GET", url: "/v1/payments/NEVER-SEEN", headers: auth() })).statusCode).toBe(404);

    // A refund: the payment comes back into Redis in one step, then the refund is created as for any payment.
    const refund = await h.app.inject({ method: "POST", url: `/v1/payments/${paid.orderNumber}/refunds`, headers: auth(), payload: { refundNumber: "R-1", amount: "2.50" } });
    expect(refund.statusCode).toBe(202);
    expect(await h.payments.get({ account, orderNumber: paid.orderNumber })).toMatchObject({ version: paid.version, status: "succeeded", refundableAmount: "10.00" });
    const tooMuch = await h.app.inject({ method: "POST", url: `/v1/payments/${paid.orderNumber}/refunds`, headers: auth(), payload: { refundNumber: "R-2", amount: "10.01" } });
    expect(tooMuch.json().error).toMatchObject({ code: "refund_exceeds_payment" });

    // Its refunds, once it has left again, come from the archive too.
    const second = await archivedPayment(h);
    await ledger.drain.close(); // nothing more archived: the archive's view is fixed
    const refunds = await h.app.inject({ method: "GET", url: `/v1/payments/${second.orderNumber}/refunds`, headers: auth() });
    expect(refunds.json()).toEqual({ data: [] });
    // The operator token finds it on whichever store has it.
    const operator = await h.app.inject({ method: "GET", url: `/v1/payments/${second.orderNumber}/refunds`, headers: auth(adminToken) });
    expect(operator.json()).toEqual({ data: [] });
    const first = await h.app.inject({ method: "GET", url: `/v1/payments/${paid.orderNumber}/refunds/R-1`, headers: auth(adminToken) });
    expect(first.json()).toMatchObject({ refundNumber: "R-1", amount: "2.50" });

    await db.server.stop();
    const down = await h.app.inject({ method: "GET", url: `/v1/payments/${second.orderNumber}`, headers: auth() });
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe("unavailable");
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${paid.orderNumber}`, headers: auth() })).statusCode, "a payment in Redis").toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/readyz" })).statusCode, "readiness does not depend on PostgreSQL").toBe(200);
    await db.server.start();
  }, 120_000);
});
