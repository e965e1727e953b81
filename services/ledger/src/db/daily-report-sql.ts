/**
 * One day of one zone, per store, currency and method, plus each (store, currency) total
 * (GROUPING SETS): payments = succeeded payments created that day (count, exact sum); failed,
 * voided and needs-review counts; refunds = succeeded refunds created that day (the method is the
 * payment's); net = payments − refunds. Sums are numeric (exact) and come back as text.
 * The day's bounds are computed by PostgreSQL in the zone, so a day of 23 or 25 hours (DST) is
 * one day. $1 date, $2 zone, $3 store id or null.
 */
export const dailyReportSql = `
WITH bounds AS (
  SELECT ($1::date)::timestamp AT TIME ZONE $2 AS lo, ($1::date + 1)::timestamp AT TIME ZONE $2 AS hi
),
facts AS (
  SELECT p.store_id, p.currency, p.method, p.status, p.amount, false AS refund
  FROM payments p, bounds b
  WHERE p.created_at >= b.lo AND p.created_at < b.hi AND ($3::text IS NULL OR p.store_id = $3)
  UNION ALL
  SELECT r.store_id, r.currency,
         coalesce((SELECT p.method FROM payments p WHERE p.store_id = r.store_id AND p.order_number = r.order_number
                   AND p.created_at <= r.created_at ORDER BY p.created_at DESC LIMIT 1), 'unknown'),
         r.status, r.amount, true
  FROM refunds r, bounds b
  WHERE r.created_at >= b.lo AND r.created_at < b.hi AND r.status = 'succeeded' AND ($3::text IS NULL OR r.store_id = $3)
)
SELECT store_id, currency, method, grouping(method) = 1 AS total,
  count(*) FILTER (WHERE NOT refund AND status = 'succeeded') AS payments_count,
  coalesce(sum(amount) FILTER (WHERE NOT refund AND status = 'succeeded'), 0)::text AS payments_amount,
  count(*) FILTER (WHERE refund) AS refunds_count,
  coalesce(sum(amount) FILTER (WHERE refund), 0)::text AS refunds_amount,
  (coalesce(sum(amount) FILTER (WHERE NOT refund AND status = 'succeeded'), 0) - coalesce(sum(amount) FILTER (WHERE refund), 0))::text AS net,
  count(*) FILTER (WHERE NOT refund AND status = 'failed') AS failed,
  count(*) FILTER (WHERE NOT refund AND status = 'voided') AS voided,
  count(*) FILTER (WHERE NOT refund AND status = 'needs_review') AS needs_review
FROM facts
GROUP BY GROUPING SETS ((store_id, currency, method), (store_id, currency))
ORDER BY store_id, currency, total DESC, method`;

export interface DailyReportRow {
  store_id: string;
  currency: string;
  method: string | null;
  total: boolean;
  payments_count: string;
  payments_amount: string;
  refunds_count: string;
  refunds_amount: string;
  net: string;
  failed: string;
  voided: string;
  needs_review: string;
}
