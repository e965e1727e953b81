import type { Payment } from "@oceanpos/core/payments";
import type { Refund } from "@oceanpos/core/refunds";
import type pg from "pg";
import type { ArchivedPayment } from "./compare-day.js";

/**
 * Our side of a terminal's day, from the archive. The time of success is the `succeeded` entry of
 * the payment's history (a payment that succeeded hours after it was created, a QR paid late or a
 * review settled, belongs to the day it succeeded). Rows are looked for among payments created up
 * to {@link successLookbackDays} before the range (the index on created_at bounds the scan).
 */
export const successLookbackDays = 3;

const columns = `
  store_id, order_number, created_at, status, amount::text AS amount, currency, payment_id,
  (SELECT (h->>'at')::timestamptz FROM json_array_elements(resource->'history') h WHERE h->>'status' = 'succeeded' LIMIT 1) AS succeeded_at`;

/** $1 store ids, $2 from, $3 to: payments of these stores that succeeded in [from, to). */
const succeededSql = `
SELECT * FROM (
  SELECT ${columns} FROM payments
  WHERE store_id = ANY($1) AND status = 'succeeded' AND created_at >= $2::timestamptz - interval '${successLookbackDays} days' AND created_at < $3
) p
WHERE succeeded_at >= $2 AND succeeded_at < $3`;

/** $1 store ids, $2 order numbers: every payment of these stores with one of these numbers (any status, any day). */
const byNumberSql = `SELECT ${columns} FROM payments WHERE store_id = ANY($1) AND order_number = ANY($2)`;

interface Row {
  store_id: string;
  order_number: string;
  created_at: Date;
  status: string;
  amount: string;
  currency: string;
  payment_id: string | null;
  succeeded_at: Date | null;
}

const toPayment = (r: Row): ArchivedPayment => ({
  storeId: r.store_id,
  orderNumber: r.order_number,
  createdAt: r.created_at.getTime(),
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  paymentId: r.payment_id,
  succeededAt: r.succeeded_at?.getTime() ?? null,
});

/** Payments of `storeIds` that succeeded in `[from, to)`. */
export async function succeededBetween(pool: pg.Pool, storeIds: readonly string[], from: number, to: number): Promise<ArchivedPayment[]> {
  const { rows } = await pool.query<Row>(succeededSql, [storeIds, new Date(from), new Date(to)]);
  return rows.map(toPayment);
}

/** Every payment of `storeIds` with one of these order numbers. */
export async function paymentsNumbered(pool: pg.Pool, storeIds: readonly string[], orderNumbers: readonly string[]): Promise<ArchivedPayment[]> {
  if (orderNumbers.length === 0) return [];
  const { rows } = await pool.query<Row>(byNumberSql, [storeIds, orderNumbers]);
  return rows.map(toPayment);
}

/** A refund of the day with the payment it refunds (the one created last before it, for a number used again). */
export interface ArchivedRefund {
  refund: Refund;
  /** Null when the archive holds no such payment (the run cannot ask about the refund: it fails). */
  payment: Payment | null;
}

/**
 * $1 store ids, $2 from, $3 to: refunds of these stores created or last changed in [from, to)
 * (a refund filed one day and paid out days later is asked about on both days), except those
 * still `accepted` (never filed: nothing at the gateway to compare).
 */
const refundsSql = `
SELECT r.resource AS refund, p.resource AS payment FROM refunds r
LEFT JOIN LATERAL (
  SELECT resource FROM payments p
  WHERE p.store_id = r.store_id AND p.order_number = r.order_number AND p.created_at <= r.created_at
  ORDER BY p.created_at DESC LIMIT 1
) p ON true
WHERE r.store_id = ANY($1) AND r.status <> 'accepted'
  AND ((r.created_at >= $2 AND r.created_at < $3) OR (r.updated_at >= $2 AND r.updated_at < $3))
ORDER BY r.order_number, r.refund_number, r.created_at`;

/** Refunds of `storeIds` created or last changed in `[from, to)`, each with its payment. */
export async function refundsBetween(pool: pg.Pool, storeIds: readonly string[], from: number, to: number): Promise<ArchivedRefund[]> {
  const { rows } = await pool.query<ArchivedRefund>(refundsSql, [storeIds, new Date(from), new Date(to)]);
  return rows;
}
