import type pg from "pg";
import type { ArchiveRecords } from "./archive-records.js";

/** What one committed batch changed. */
export interface WriteResult {
  /** Event rows inserted (entries already archived are not counted). */
  events: number;
  /** Payment and refund rows inserted or moved to a newer version. */
  payments: number;
  refunds: number;
}

const insertEvents = `
INSERT INTO events (stream_id, type, at, store_id, order_number, data)
SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::json[])
ON CONFLICT (stream_id) DO NOTHING`;

// An older version never replaces a newer one, whatever the order in which they arrive.
const upsertPayments = `
INSERT INTO payments (store_id, order_number, created_at, updated_at, version, status, mode, method, currency, amount,
                      refunded_amount, payment_id, gateway_code, stream_id, resource)
SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::numeric[], $11::numeric[], $12::text[], $13::text[], $14::text[], $15::json[])
ON CONFLICT (store_id, order_number, created_at) DO UPDATE SET
  updated_at = excluded.updated_at, version = excluded.version, status = excluded.status, mode = excluded.mode,
  method = excluded.method, currency = excluded.currency, amount = excluded.amount, refunded_amount = excluded.refunded_amount,
  payment_id = excluded.payment_id, gateway_code = excluded.gateway_code, stream_id = excluded.stream_id, resource = excluded.resource
WHERE payments.version < excluded.version`;

const upsertRefunds = `
INSERT INTO refunds (store_id, order_number, refund_number, created_at, updated_at, version, status, currency, amount,
                     refund_id, gateway_code, stream_id, resource)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[], $8::text[],
                     $9::numeric[], $10::text[], $11::text[], $12::text[], $13::json[])
ON CONFLICT (store_id, order_number, refund_number, created_at) DO UPDATE SET
  updated_at = excluded.updated_at, version = excluded.version, status = excluded.status, currency = excluded.currency,
  amount = excluded.amount, refund_id = excluded.refund_id, gateway_code = excluded.gateway_code,
  stream_id = excluded.stream_id, resource = excluded.resource
WHERE refunds.version < excluded.version`;

/**
 * Writes a batch in one transaction: its events (idempotent on the stream id) and the newest
 * version of each payment and refund in it. Either all of it is committed or none of it; writing
 * the same batch again (a replay after a crash, an entry claimed from a dead ledger) changes nothing.
 */
export class ArchiveWriter {
  private readonly pool: pg.Pool;

  constructor(options: { pool: pg.Pool }) {
    this.pool = options.pool;
  }

  async write(records: ArchiveRecords): Promise<WriteResult> {
    const { events, payments, refunds } = records;
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const e = events.length === 0 ? undefined : await client.query(insertEvents, [
        events.map((r) => r.streamId),
        events.map((r) => r.type),
        events.map((r) => r.at),
        events.map((r) => r.storeId),
        events.map((r) => r.orderNumber),
        events.map((r) => r.data),
      ]);
      const p = payments.length === 0 ? undefined : await client.query(upsertPayments, [
        payments.map((r) => r.storeId),
        payments.map((r) => r.orderNumber),
        payments.map((r) => r.createdAt),
        payments.map((r) => r.updatedAt),
        payments.map((r) => r.version),
        payments.map((r) => r.status),
        payments.map((r) => r.mode),
        payments.map((r) => r.method),
        payments.map((r) => r.currency),
        payments.map((r) => r.amount),
        payments.map((r) => r.refundedAmount),
        payments.map((r) => r.paymentId),
        payments.map((r) => r.gatewayCode),
        payments.map((r) => r.streamId),
        payments.map((r) => r.resource),
      ]);
      const r = refunds.length === 0 ? undefined : await client.query(upsertRefunds, [
        refunds.map((x) => x.storeId),
        refunds.map((x) => x.orderNumber),
        refunds.map((x) => x.refundNumber),
        refunds.map((x) => x.createdAt),
        refunds.map((x) => x.updatedAt),
        refunds.map((x) => x.version),
        refunds.map((x) => x.status),
        refunds.map((x) => x.currency),
        refunds.map((x) => x.amount),
        refunds.map((x) => x.refundId),
        refunds.map((x) => x.gatewayCode),
        refunds.map((x) => x.streamId),
        refunds.map((x) => x.resource),
      ]);
      await client.query("COMMIT");
      return { events: e?.rowCount ?? 0, payments: p?.rowCount ?? 0, refunds: r?.rowCount ?? 0 };
    } catch (err) {
      // A connection PostgreSQL dropped is not returned to the pool; a live one is rolled back.
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
