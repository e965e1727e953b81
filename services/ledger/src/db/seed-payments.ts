import type pg from "pg";

export interface SeedOptions {
  /** Payments to add. */
  count: number;
  /** Their stores, in turn; default the example stores (`demo-store`, `demo-store-2`). */
  stores?: readonly string[];
  /** createdAt is spread evenly over this many days before `until`; default 30. */
  days?: number;
  /** Default now. */
  until?: Date;
  /** Start of every order number (unique per seeding); default `SEED<time>-`. */
  prefix?: string;
  /** Rows per INSERT statement (one transaction each); default 50 000. */
  chunk?: number;
  /** Statements running at once, each on a connection of the pool; default 2 (PostgreSQL builds the rows, one core each). */
  concurrency?: number;
}

/**
 * Adds archived payments straight into PostgreSQL with generate_series (no Redis, no drain): the
 * volume a benchmark of lists, reports and exports needs (1,000,000 rows in about a minute on
 * two cores). A
 * mix like a chain's: 85 % succeeded, 7 % failed, 3 % voided, 3 % pending, 2 % needs review;
 * both wallets; USD, and one in ten CNY; amounts 1.00–500.99. Resources are complete payment
 * resources, as the drain would have written them.
 */
export async function seedPayments(pool: pg.Pool, options: SeedOptions): Promise<{ prefix: string; inserted: number }> {
  const stores = options.stores ?? ["demo-store", "demo-store-2"];
  const until = options.until ?? new Date();
  const spanMs = (options.days ?? 30) * 86_400_000;
  const prefix = options.prefix ?? `SEED${until.getTime().toString(36).toUpperCase()}-`;
  const chunk = options.chunk ?? 50_000;
  let inserted = 0;
  let next = 1;
  const worker = async () => {
    while (next <= options.count) {
      const first = next;
      next += chunk;
      const last = Math.min(options.count, first + chunk - 1);
      const result = await pool.query(seedSql, [first, last, options.count, stores, until.toISOString(), spanMs, prefix]);
      inserted += result.rowCount ?? 0;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return { prefix, inserted };
}

// $1 first, $2 last, $3 total, $4 stores, $5 until, $6 span ms, $7 order number prefix
const seedSql = `
WITH g AS (
  SELECT i,
         $7 || lpad(i::text, 9, '0') AS order_number,
         ($4::text[])[1 + (i % cardinality($4::text[]))] AS store_id,
         date_trunc('milliseconds', $5::timestamptz - make_interval(secs => ($6::float8 / 1000) * (1 - i::float8 / $3))) AS created_at,
         CASE WHEN i % 100 < 85 THEN 'succeeded' WHEN i % 100 < 92 THEN 'failed' WHEN i % 100 < 95 THEN 'voided'
              WHEN i % 100 < 98 THEN 'pending' ELSE 'needs_review' END AS status,
         CASE WHEN (i / 3) % 2 = 0 THEN 'WeChatPay_Offline' ELSE 'Alipay_Offline' END AS method,
         CASE WHEN i % 10 = 0 THEN 'CNY' ELSE 'USD' END AS currency,
         ((1 + (i * 7919) % 500) + ((i * 31) % 100) / 100.0)::numeric(12, 2) AS amount
  FROM generate_series($1::bigint, $2::bigint) AS i
),
r AS (
  SELECT g.*, created_at + interval '1.5 seconds' AS updated_at,
         CASE WHEN status IN ('succeeded', 'voided', 'needs_review') THEN 'S' || order_number END AS payment_id,
         CASE status WHEN 'succeeded' THEN '80000' WHEN 'failed' THEN '20001' ELSE NULL END AS gateway_code
  FROM g
)
INSERT INTO payments (store_id, order_number, created_at, updated_at, version, status, mode, method, currency, amount,
                      refunded_amount, payment_id, gateway_code, stream_id, resource)
SELECT store_id, order_number, created_at, updated_at, 3, status, 'merchant_scan', method, currency, amount, 0, payment_id, gateway_code,
       (extract(epoch FROM updated_at) * 1000)::bigint || '-' || i,
       json_strip_nulls(json_build_object(
         'orderNumber', order_number, 'storeId', store_id, 'mode', 'merchant_scan', 'method', method,
         'amount', amount::text, 'currency', currency, 'status', status, 'version', 3,
         'paymentId', payment_id, 'gateway', CASE WHEN gateway_code IS NULL THEN NULL ELSE json_build_object('code', gateway_code, 'message', '') END,
         'createdAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'history', json_build_array(
           json_build_object('status', 'accepted', 'at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', 'intake'),
           json_build_object('status', 'submitting', 'at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', 'payer'),
           json_build_object('status', status, 'at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', 'payer'))))
FROM r
ON CONFLICT DO NOTHING`;
