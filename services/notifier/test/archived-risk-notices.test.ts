import { redisConnector } from "@oceanpos/core/lifecycle";
import { type StreamEvent, eventFromStreamEntry } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { loadLedgerConfig } from "@oceanpos/ledger/config";
import { type Ledger, createLedger } from "@oceanpos/ledger/ledger";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { account, adminToken, startNotifier, stores } from "./helpers.js";
import { type NoticeFields, businessNoticeXml, refundNoticeFields } from "./notice-fixtures.js";

// Payments leave Redis 1.7 s after their last change once archived.
const retentionDays = "0.00002";
const chargeId = "240506101548268260914";

const riskFields = (orderNumber: string, extra: NoticeFields = {}): NoticeFields =>
  refundNoticeFields({ order_number: orderNumber, notice_type: "chargeBack", refund_number: "", push_id: "240601000000000000007", push_status: "2", push_details: "", ...extra });

describe("a risk notice about a payment that has left Redis", () => {
  const db = usePostgres();
  const redis = useRedis();
  let ledger: Ledger | undefined;
  const notifiers: Notifier[] = [];

  afterEach(async () => {
    for (const n of notifiers.splice(0)) await n.close();
    await ledger?.close();
    ledger = undefined;
  });

  const keys = () => redisKeys(redis.prefix);
  const riskEvents = async (): Promise<StreamEvent[]> =>
    (await redis.client().xrange(keys().events, "-", "+")).map(([id, fields]) => eventFromStreamEntry(id, fields) as StreamEvent).filter((e) => e.type === "payment.risk_notice");
  const start = async (env: Record<string, string> = {}) => {
    const n = await startNotifier(redis, env);
    notifiers.push(n);
    return n;
  };
  const post = async (n: Notifier, body: string) => {
    const res = await n.app.inject({ method: "POST", url: "/oceanpayment/notice", headers: { "content-type": "application/xml" }, payload: body });
    return { status: res.statusCode, body: res.body };
  };
  /** A counter's value for these labels (in the order the counter declares them; other labels may follow). */
  const metric = async (n: Notifier, name: string, labels: string) => {
    const text = (await n.app.inject({ method: "GET", url: "/metrics" })).body;
    return Number(new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
  };

  /** A succeeded payment of store-a (12.50 USD, charge `chargeId`), archived by the ledger and removed from Redis. */
  const archivedPayment = async (n: Notifier, orderNumber: string) => {
    const ref = { account, orderNumber };
    const now = new Date().toISOString();
    await n.payments.create({
      ...ref,
      requestHash: "h",
      payment: {
        orderNumber, storeId: "store-a", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "12.50", currency: "USD",
        status: "accepted", version: 1, createdAt: now, updatedAt: now, history: [{ status: "accepted", at: now, source: "intake" }],
      },
    });
    await n.payments.transition(ref, { to: "submitting", source: "payer" });
    const paid = await n.payments.transition(ref, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: chargeId } });
    if (paid.outcome !== "applied") throw new Error("payment not set up");
    await waitFor(async () => (await redis.client().exists(keys().payment(account, orderNumber))) === 0, { timeoutMs: 30_000, message: "the payment removed from Redis" });
    return paid.payment;
  };

  it("puts the payment back and records one payment.risk_notice event, which the ledger archives; without DATABASE_URL it is refused", async () => {
    const config = loadLedgerConfig({
      DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ADMIN_TOKEN: adminToken, LOG_LEVEL: "silent",
      PAYMENT_RETENTION_DAYS: retentionDays, LEDGER_RETENTION_SWEEP_INTERVAL_MS: "200",
    });
    ledger = await createLedger(config, { stores, logger: pino({ level: "silent" }), connect: redisConnector(redis.url) });
    await ledger.start();

    // Without the archive: refused as an unknown payment (the answer is receive-ok, whatever arrived).
    const plain = await start();
    const paid = await archivedPayment(plain, "AR1");
    expect(await post(plain, businessNoticeXml(riskFields("AR1")))).toEqual({ status: 200, body: "receive-ok" });
    expect(await metric(plain, "notices_rejected_total", 'reason="unknown_payment"')).toBe(1);
    expect(await riskEvents()).toHaveLength(0);

    const n = await start({ DATABASE_URL: db.url });
    // A notice that does not echo the archived payment (another amount) puts nothing back.
    await post(n, businessNoticeXml(riskFields("AR1", { order_amount: "99.00" })));
    expect(await redis.client().exists(keys().payment(account, "AR1"))).toBe(0);
    expect(await metric(n, "notices_rejected_total", 'reason="unknown_payment"')).toBe(1);

    const xml = businessNoticeXml(riskFields("AR1"));
    expect(await post(n, xml)).toEqual({ status: 200, body: "receive-ok" });
    expect(await post(n, xml), "a repeated delivery").toEqual({ status: 200, body: "receive-ok" });
    expect(await metric(n, "business_notices_total", 'kind="risk",result="recorded"')).toBe(1);
    expect(await metric(n, "business_notices_total", 'kind="risk",result="unchanged"')).toBe(1);
    const events = await riskEvents();
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ orderNumber: "AR1", storeId: "store-a", payment: expect.objectContaining({ status: "succeeded", version: paid.version }), notice: expect.objectContaining({ type: "chargeBack", paymentId: chargeId }) }),
    ]);
    expect(await n.payments.get({ account, orderNumber: "AR1" }), "back in Redis, at its archived version").toMatchObject({ status: "succeeded", version: paid.version });

    // The ledger archives the event like any other.
    const pool = db.pool();
    await waitFor(async () => (await pool.query("SELECT 1 FROM events WHERE type = 'payment.risk_notice' AND order_number = 'AR1'")).rowCount === 1, {
      timeoutMs: 20_000,
      message: "the risk notice event archived",
    });
  }, 120_000);

  it("with its PostgreSQL down the notifier is still ready; such a notice is counted as an error and records nothing", async () => {
    const n = await start({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" });
    expect((await n.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    expect(await post(n, businessNoticeXml(riskFields("AR2")))).toEqual({ status: 200, body: "receive-ok" });
    expect(await metric(n, "notices_total", 'result="error"')).toBe(1);
    expect(await riskEvents()).toHaveLength(0);
  });
});
