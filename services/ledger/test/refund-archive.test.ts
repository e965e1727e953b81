import { type Payment, PaymentStore } from "@oceanpos/core/payments";
import { type Refund, type RefundChange, RefundStore } from "@oceanpos/core/refunds";
import { usePostgres, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveRecords } from "../src/drain/archive-records.js";
import { ArchiveWriter } from "../src/drain/archive-writer.js";
import type { Ledger } from "../src/ledger.js";
import { Payments, account, startLedger, testConfig } from "./harness.js";
import { settled } from "./support.js";

/** Refunds as the intake creates them and the payer moves them: through core's RefundStore, the real Lua scripts and stream. */
class Refunds {
  readonly store: RefundStore;
  constructor(readonly payments: Payments, prefix: string, private readonly clock: () => Date = () => new Date()) {
    this.store = new RefundStore({ redis: payments.redis, keyPrefix: prefix, clock });
  }

  async refund(payment: Payment, refundNumber: string, amount: string, path: RefundChange["to"][] = []): Promise<Refund> {
    const at = this.clock().toISOString();
    const refund: Refund = {
      refundNumber, orderNumber: payment.orderNumber, storeId: payment.storeId, amount, currency: payment.currency,
      status: "accepted", version: 1, createdAt: at, updatedAt: at, history: [{ status: "accepted", at, source: "intake" }],
    };
    const ref = { account, orderNumber: payment.orderNumber, refundNumber };
    const created = await this.store.create({ ...ref, refund, requestHash: "h" });
    if (created.outcome !== "created") throw new Error(`refund ${refundNumber}: ${created.outcome}`);
    let current = created.refund;
    for (const to of path) {
      const set = to === "pending" ? { refundId: `RF${refundNumber}` } : to === "succeeded" ? { gateway: { code: "80000", message: "Transaction Approved" } } : {};
      const moved = await this.store.transition(ref, { to, source: "payer", set });
      if (moved.outcome !== "applied") throw new Error(`refund ${refundNumber} to ${to}: ${moved.outcome}`);
      current = moved.refund;
    }
    return current;
  }
}

describe("the archive of refunds and of each payment's refund totals", () => {
  const db = usePostgres();
  const redis = useRedis();
  const ledgers: Ledger[] = [];
  let payments: Payments;
  let refunds: Refunds;

  beforeEach(async () => {
    payments = new Payments(redis.client(), redis.prefix);
    refunds = new Refunds(payments, redis.prefix);
    await db.pool().query("DO $$ BEGIN IF to_regclass('events') IS NOT NULL THEN TRUNCATE events, payments, refunds; END IF; END $$");
  });
  afterEach(async () => {
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
  });
  const start = async () => {
    const ledger = await startLedger(testConfig(db, redis));
    ledgers.push(ledger);
    return ledger;
  };
  const paymentRow = async (orderNumber: string) =>
    (await db.pool().query("select refunded_amount::text as refunded, resource::text as resource from payments where order_number = $1", [orderNumber])).rows[0];

  it("archives each refund's latest version, and the payment's refunded and refundable amounts as the intake serves them (USD, JPY)", async () => {
    const usd = await payments.pay({ amount: "12.50" });
    const jpy = await payments.pay({ amount: "1000", currency: "JPY" });
    const paid = await refunds.refund(usd, "R-1", "5.00", ["submitting", "pending", "succeeded"]);
    await refunds.refund(usd, "R-2", "2.5", ["submitting", "failed"]);
    await refunds.refund(usd, "R-3", "1.00");
    await refunds.refund(jpy, "R-1", "300", ["submitting", "succeeded"]);
    await start();
    await settled(redis);

    const rows = (await db.pool().query("select order_number, refund_number, version, status, currency, amount::text as amount, refund_id, gateway_code, resource::text as resource from refunds order by order_number, refund_number")).rows;
    expect(rows.map((r) => [r.currency, r.refund_number, r.version, r.status, r.amount]).sort()).toEqual([
      ["JPY", "R-1", 3, "succeeded", "300"],
      ["USD", "R-1", 4, "succeeded", "5.00"],
      ["USD", "R-2", 3, "failed", "2.5"],
      ["USD", "R-3", 1, "accepted", "1.00"],
    ]);
    const r1 = rows.find((r) => r.order_number === usd.orderNumber && r.refund_number === "R-1");
    expect(r1).toMatchObject({ refund_id: "RFR-1", gateway_code: "80000" });
    expect(JSON.parse(r1.resource)).toEqual(paid);

    const usdRow = await paymentRow(usd.orderNumber);
    expect(usdRow.refunded).toBe("5.00");
    expect(JSON.parse(usdRow.resource)).toMatchObject({ status: "succeeded", refundedAmount: "5.00", refundableAmount: "6.50" });
    const jpyRow = await paymentRow(jpy.orderNumber);
    expect(jpyRow.refunded).toBe("300");
    expect(JSON.parse(jpyRow.resource)).toMatchObject({ refundedAmount: "300", refundableAmount: "700" });
    // What the intake serves from Redis, field for field.
    const store = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    for (const p of [usd, jpy]) expect(JSON.parse((await paymentRow(p.orderNumber)).resource)).toEqual(await store.get({ account, orderNumber: p.orderNumber }));
  });

  it("keeps the totals right whichever of a refund's versions the archive sees first, and whatever order they come in", async () => {
    const paid = await payments.pay({ amount: "10.00" });
    await refunds.refund(paid, "R-1", "3.00", ["submitting", "pending", "succeeded"]);
    await refunds.refund(paid, "R-2", "2.00", ["submitting", "failed"]);
    const entries = await payments.entries();
    const pick = (type: string, refundNumber?: string) => {
      const found = entries.filter(([, fields]) => fields.includes(type) && (refundNumber === undefined || fields.some((f) => f.includes(`"refundNumber":"${refundNumber}"`))));
      if (found.length !== 1) throw new Error(`${type} ${refundNumber ?? ""}: ${found.length} entries`);
      return found;
    };
    const writer = new ArchiveWriter({ pool: db.pool() });
    await (await start()).close(); // migrated
    const totals = async () => {
      const row = await paymentRow(paid.orderNumber);
      const resource = JSON.parse(row.resource) as Payment;
      return [Number(row.refunded).toFixed(2), resource.refundedAmount, resource.refundableAmount];
    };
    const write = (...batch: [string, string[]][][]) => writer.write(archiveRecords(batch.flat()));

    await write(pick("payment.succeeded"));
    expect(await totals()).toEqual(["0.00", "0.00", "10.00"]);
    // R-1's third version first: the refund is held from the first version the archive has.
    await write(pick("refund.pending", "R-1"));
    expect(await totals()).toEqual(["0.00", "0.00", "7.00"]);
    // Its older versions change nothing.
    await write(pick("refund.accepted", "R-1"), pick("refund.submitting", "R-1"));
    expect(await totals()).toEqual(["0.00", "0.00", "7.00"]);
    await write(pick("refund.submitting", "R-2"));
    expect(await totals()).toEqual(["0.00", "0.00", "5.00"]);
    await write(pick("refund.succeeded", "R-1"), pick("refund.accepted", "R-2"));
    expect(await totals()).toEqual(["3.00", "3.00", "5.00"]);
    // A failed refund gives its amount back.
    await write(pick("refund.failed", "R-2"));
    expect(await totals()).toEqual(["3.00", "3.00", "7.00"]);
    // The payment's own event again (a replay): its resource comes back with the totals.
    await db.pool().query("update payments set version = version - 1 where order_number = $1", [paid.orderNumber]);
    await write(pick("payment.succeeded"));
    expect(await totals()).toEqual(["3.00", "3.00", "7.00"]);
  });

  it("leaves room on the payments' pages for the versions their refund totals write (fillfactor)", async () => {
    await (await start()).close(); // migrated
    const { rows } = await db.pool().query("select reloptions from pg_class where relname = 'payments' and relkind = 'r'");
    expect(rows[0]?.reloptions).toContain("fillfactor=80");
  });

  it("counts refunds archived before their payment (two ledgers, either order), and keeps a reused order number's refunds with their own payment", async () => {
    const client = redis.client();
    let now = new Date("2026-01-01T08:00:00.000Z");
    const clocked = new Payments(client, redis.prefix, () => now);
    const old = await clocked.pay({ orderNumber: "REUSED-R", createdAt: now, amount: "10.00" });
    await new Refunds(clocked, redis.prefix, () => now).refund(old, "R-1", "4.00", ["submitting", "succeeded"]);
    const entries = await clocked.entries();
    // The payment leaves Redis with its refunds; 40 days later the number comes back, with a refund of its own.
    await client.del(`{${redis.prefix}}:pay:${account}:REUSED-R`, `{${redis.prefix}}:rfd:${account}:REUSED-R:R-1`, `{${redis.prefix}}:rfds:${account}:REUSED-R`);
    now = new Date("2026-02-10T08:00:00.000Z");
    const reused = await clocked.pay({ orderNumber: "REUSED-R", createdAt: now, amount: "20.00" });
    await new Refunds(clocked, redis.prefix, () => now).refund(reused, "R-2", "3.00");
    const later = (await clocked.entries()).slice(entries.length);

    const writer = new ArchiveWriter({ pool: db.pool() });
    const isRefund = ([, fields]: [string, string[]]) => String(fields[1]).startsWith("refund.");
    await (await start()).close(); // migrated
    // The refund events committed first, then the payments'.
    await writer.write(archiveRecords([...entries, ...later].filter(isRefund)));
    expect((await db.pool().query("select count(*)::int as n from payments")).rows[0].n).toBe(0);
    await writer.write(archiveRecords([...entries, ...later].filter((e) => !isRefund(e))));

    const rows = (await db.pool().query("select amount::text as amount, refunded_amount::text as refunded, resource::text as resource from payments where order_number = 'REUSED-R' order by created_at")).rows;
    expect(rows.map((r) => [r.amount, r.refunded, JSON.parse(r.resource).refundedAmount, JSON.parse(r.resource).refundableAmount])).toEqual([
      ["10.00", "4.00", "4.00", "6.00"],
      ["20.00", "0", "0.00", "17.00"],
    ]);
  });
});
