import { currencyDecimals } from "@oceanpos/core/payments";
import type pg from "pg";
import type { ArchiveRecords } from "./archive-records.js";

/** What one committed batch changed. */
export interface WriteResult {
  /** Event rows inserted (entries already archived are not counted). */
  events: number;
  /** Payment and refund rows inserted or moved to a newer version. */
  payments: number;
  refunds: number;
  /** Payment rows whose refund totals (`refunded_amount`, the resource's amounts) were recomputed. */
  refundTotals: number;
}

// One statement writes a batch's events and the newest version of each payment and refund in it.
// The documents travel once, as one text, JSON documents joined by U+001E (a control character
// JSON text never holds raw, so the split cannot cut a document), cast to json once; a payment or
// refund row joins the document of the event that carried it (by its position; the rows are
// written in their given order, the key order in which concurrent ledgers lock them). Every
// other column is an array.
// Measured per event: pg's array escaping of the documents cost the drain ~25 µs of CPU,
// json_to_recordset of one big document ~30 µs of PostgreSQL's; the split and ::json, ~2 µs.
// An older version never replaces a newer one, whatever the order in which they arrive.
const separator = "\u001e";
const writeBatch = `
WITH docs AS (SELECT d, i FROM unnest(string_to_array($6::text, E'\\x1e')::json[]) WITH ORDINALITY AS x(d, i)),
e AS (
  INSERT INTO events (stream_id, type, at, store_id, order_number, data)
  SELECT s, t, a, st, o, docs.d
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) WITH ORDINALITY AS x(s, t, a, st, o, i) JOIN docs USING (i)
  ORDER BY i
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING 1
), p AS (
  INSERT INTO payments (store_id, order_number, created_at, updated_at, version, status, mode, method, currency, amount,
                        refunded_amount, payment_id, gateway_code, stream_id, resource)
  SELECT st, o, c, u, v, s, m, me, cu, am, ra, pid, gc, sid, docs.d
  FROM unnest($7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::int[], $12::text[], $13::text[], $14::text[],
              $15::text[], $16::numeric[], $17::numeric[], $18::text[], $19::text[], $20::text[], $21::int[]) WITH ORDINALITY
       AS x(st, o, c, u, v, s, m, me, cu, am, ra, pid, gc, sid, di, k)
  JOIN docs ON docs.i = x.di
  ORDER BY k
  ON CONFLICT (store_id, order_number, created_at) DO UPDATE SET
    updated_at = excluded.updated_at, version = excluded.version, status = excluded.status, mode = excluded.mode,
    method = excluded.method, currency = excluded.currency, amount = excluded.amount, refunded_amount = excluded.refunded_amount,
    payment_id = excluded.payment_id, gateway_code = excluded.gateway_code, stream_id = excluded.stream_id, resource = excluded.resource
  WHERE payments.version < excluded.version
  RETURNING store_id, order_number, currency, status
), r AS (
  INSERT INTO refunds (store_id, order_number, refund_number, created_at, updated_at, version, status, currency, amount,
                       refund_id, gateway_code, stream_id, resource)
  SELECT st, o, n, c, u, v, s, cu, am, rid, gc, sid, docs.d
  FROM unnest($22::text[], $23::text[], $24::text[], $25::timestamptz[], $26::timestamptz[], $27::int[], $28::text[], $29::text[],
              $30::numeric[], $31::text[], $32::text[], $33::text[], $34::int[]) WITH ORDINALITY
       AS x(st, o, n, c, u, v, s, cu, am, rid, gc, sid, di, k)
  JOIN docs ON docs.i = x.di
  ORDER BY k
  ON CONFLICT (store_id, order_number, refund_number, created_at) DO UPDATE SET
    updated_at = excluded.updated_at, version = excluded.version, status = excluded.status, currency = excluded.currency,
    amount = excluded.amount, refund_id = excluded.refund_id, gateway_code = excluded.gateway_code,
    stream_id = excluded.stream_id, resource = excluded.resource
  WHERE refunds.version < excluded.version
  RETURNING store_id, order_number, currency, status, (xmax = 0) AS inserted
), touched AS (
  SELECT store_id, order_number, currency FROM p WHERE status = 'succeeded'
  UNION ALL
  SELECT store_id, order_number, currency FROM r WHERE inserted OR status IN ('succeeded', 'failed')
)
SELECT (SELECT count(*) FROM e)::int AS events, (SELECT count(*) FROM p)::int AS payments, (SELECT count(*) FROM r)::int AS refunds, t.*
FROM (SELECT array_agg(store_id) AS stores, array_agg(order_number) AS orders, array_agg(currency) AS currencies FROM touched) t`;

// A payment's refund totals, from the archive's own refunds rather than from an event: a refund
// changes no payment event (a refunded payment is `succeeded`, final), and two ledgers may commit
// a payment and its refunds in either order. Recomputed only where the batch's own writes can
// move them (the batch statement returns those rows): a succeeded payment row it wrote (its refunds
// may have come first, and its new resource carries no totals), a refund row it inserted (the
// refund is held from its first version the archive sees, whichever that is) and a refund it moved
// to `succeeded` or `failed`. Moves between the statuses in between (`submitting`, `pending`,
// `needs_review`) change no sum: a refund's usual events cost the update twice, not four times.
// Only a payment with refunds is written. A refund is its payment's when it is the latest payment
// of that number created no later than the refund (an order number is reused only after its
// payment left Redis).
// refunded_amount and the resource's `refundedAmount` = its succeeded refunds; the resource's
// `refundableAmount` = its amount less its refunds that are not failed (nothing unless succeeded),
// as the intake serves them (`withRefundAmounts`), with the currency's decimals. Rows are locked in
// key order, as the upserts lock theirs.
const updateRefundTotals = `
WITH touched AS (
  SELECT DISTINCT st, o, d FROM unnest($1::text[], $2::text[], $3::int[]) AS x(st, o, d)
), sums AS (
  SELECT p.store_id, p.order_number, p.created_at, max(t.d) AS d,
         coalesce(sum(r.amount) FILTER (WHERE r.status = 'succeeded'), 0) AS refunded,
         coalesce(sum(r.amount) FILTER (WHERE r.status <> 'failed'), 0) AS held
  FROM touched t
  JOIN payments p ON p.store_id = t.st AND p.order_number = t.o
  JOIN refunds r ON r.store_id = p.store_id AND r.order_number = p.order_number AND r.created_at >= p.created_at
  WHERE NOT EXISTS (SELECT 1 FROM payments later WHERE later.store_id = p.store_id AND later.order_number = p.order_number
                      AND later.created_at > p.created_at AND later.created_at <= r.created_at)
  GROUP BY p.store_id, p.order_number, p.created_at
), locked AS (
  SELECT s.* FROM sums s JOIN payments p USING (store_id, order_number, created_at)
  ORDER BY s.store_id, s.order_number, s.created_at FOR UPDATE OF p
)
UPDATE payments p SET
  refunded_amount = s.refunded,
  resource = (p.resource::jsonb || jsonb_build_object(
    'refundedAmount', round(s.refunded, s.d)::text,
    'refundableAmount', round(CASE WHEN p.status = 'succeeded' THEN greatest(p.amount - s.held, 0) ELSE 0 END, s.d)::text))::json
FROM locked s
WHERE p.store_id = s.store_id AND p.order_number = s.order_number AND p.created_at = s.created_at`;

/** The batch statement's one row: what it wrote, and the payments whose refund totals its writes may have moved. */
interface BatchRow {
  events: number;
  payments: number;
  refunds: number;
  stores: string[] | null;
  orders: string[] | null;
  currencies: string[] | null;
}

/** The columns of `rows` as arrays, in order. */
const columns = <T>(rows: readonly T[], ...getters: ((row: T) => unknown)[]) => getters.map((get) => rows.map(get));

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
    // Each resource row's document: its event's (1-based, as SQL arrays).
    const doc = new Map(events.map((e, i) => [e.streamId, i + 1]));
    const batch = {
      name: "ledger-write-batch",
      text: writeBatch,
      values: [
        ...columns(events, (r) => r.streamId, (r) => r.type, (r) => r.at, (r) => r.storeId, (r) => r.orderNumber),
        events.map((r) => r.data).join(separator),
        ...columns(
          payments,
          (r) => r.storeId, (r) => r.orderNumber, (r) => r.createdAt, (r) => r.updatedAt, (r) => r.version, (r) => r.status, (r) => r.mode,
          (r) => r.method, (r) => r.currency, (r) => r.amount, (r) => r.refundedAmount, (r) => r.paymentId, (r) => r.gatewayCode, (r) => r.streamId,
          (r) => doc.get(r.streamId),
        ),
        ...columns(
          refunds,
          (x) => x.storeId, (x) => x.orderNumber, (x) => x.refundNumber, (x) => x.createdAt, (x) => x.updatedAt, (x) => x.version, (x) => x.status,
          (x) => x.currency, (x) => x.amount, (x) => x.refundId, (x) => x.gatewayCode, (x) => x.streamId, (x) => doc.get(x.streamId),
        ),
      ],
    };
    // Whether the refund totals may follow the batch statement (which says whether they do).
    const totals = refunds.length > 0 || payments.some((row) => row.status === "succeeded");
    const client = await this.pool.connect();
    let broken = false;
    try {
      // One statement is one transaction: BEGIN and COMMIT only when the refund totals may follow it.
      if (totals) await client.query("BEGIN");
      const written = (await client.query<BatchRow>(batch)).rows[0];
      const touched = written?.stores ?? [];
      // Unnamed, so planned for each batch with its own arrays and the tables as they are now: a
      // plan kept per connection (a named statement's generic plan) is made while the archive is
      // still small, and one made on an empty archive looked refunds up by store alone, scanning
      // all of a store's refunds for every payment (260 ms for 300 payments of a store with 6,000
      // refunds). Planning takes about 1.4 ms a batch.
      const t = touched.length === 0 ? undefined : await client.query({
        text: updateRefundTotals,
        values: [touched, written?.orders, written?.currencies?.map((c) => currencyDecimals(c) ?? 2)],
      });
      if (totals) await client.query("COMMIT");
      return { events: written?.events ?? 0, payments: written?.payments ?? 0, refunds: written?.refunds ?? 0, refundTotals: t?.rowCount ?? 0 };
    } catch (err) {
      // A connection PostgreSQL dropped is not returned to the pool; a live one is rolled back.
      await client.query(totals ? "ROLLBACK" : "SELECT 1").catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
