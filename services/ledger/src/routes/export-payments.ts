import { finished, Transform } from "node:stream";
import { parseOrThrow, rawResponse } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { listSql, paymentsTable } from "../db/list-sql.js";
import { amountSql, inlineParameters } from "../export/copy-csv-sql.js";
import { ReadAuth } from "../http/auth.js";
import { type ListFilters, PaymentExportQuery } from "../http/list-query.js";
import { errorResponses } from "../http/schemas.js";
import type { LedgerMetrics } from "../metrics.js";

export interface ExportRouteOptions {
  pool: pg.Pool;
  auth: ReadAuth;
  metrics: LedgerMetrics;
}

/** The contract's columns, in order. */
export const exportColumns = [
  "orderNumber", "storeId", "createdAt", "updatedAt", "status", "mode", "method", "currency", "amount", "refundedAmount", "paymentId", "gatewayCode",
] as const;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
// Every column as the CSV shows it, named as its header: PostgreSQL writes the CSV itself.
const exportSelect = [
  "order_number", "store_id", iso("created_at"), iso("updated_at"), "status", "mode", "method", "currency",
  amountSql("amount", "currency"), amountSql("refunded_amount", "currency"), "payment_id", "gateway_code",
]
  .map((expression, i) => `${expression} AS "${exportColumns[i]}"`)
  .join(", ");

/** Counts the rows going through (one line each: no exported field holds a line break), the header left out. */
class RowCounter extends Transform {
  lines = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    done(null, chunk);
  }
  get rows(): number {
    return Math.max(0, this.lines - 1);
  }
}

/**
 * `GET /v1/payments/export`: every payment matching the list's filters, as CSV, streamed. The
 * list's query runs as `COPY (…) TO STDOUT (FORMAT csv, HEADER)` on a connection of the export's
 * own: PostgreSQL formats the rows (amounts with their currency's decimals, times in UTC ISO
 * 8601) and the ledger only passes the bytes on, as fast as the client reads (the copy stream
 * pauses the socket: memory stays flat whatever the size). A client that hangs up destroys the
 * stream, and the connection is dropped: the query stops.
 */
export function registerExportRoute(app: FastifyInstance, options: ExportRouteOptions): void {
  app.get(
    "/v1/payments/export",
    {
      schema: {
        operationId: "exportPayments",
        summary: "Export archived payments as CSV",
        description: `The list's filters without \`limit\` and \`cursor\`: everything that matches, in list order. Columns: ${exportColumns.join(",")}.`,
        tags: ["archive"],
        querystring: PaymentExportQuery,
        response: { 200: rawResponse("CSV, one header row, streamed", { "text/csv": { schema: { type: "string" } } }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = options.auth.callerOf(request);
      const query = parseOrThrow(PaymentExportQuery, request.query ?? {}, "query");
      const filters: ListFilters = { ...query, storeId: ReadAuth.scope(caller, query.storeId) };
      const client = await options.pool.connect();
      let released = false;
      const release = (destroy: boolean) => {
        if (released) return;
        released = true;
        client.release(destroy);
      };
      try {
        // The pool's statement timeout is for lists and reports; an export takes as long as it takes.
        await client.query("SET statement_timeout = 0");
      } catch (err) {
        release(true);
        throw err;
      }
      const sql = inlineParameters(listSql(paymentsTable, exportSelect, filters), (v) => client.escapeLiteral(v));
      const copy = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`));
      const csv = new RowCounter();
      copy.on("error", (err) => csv.destroy(err));
      copy.pipe(csv);
      const started = Date.now();
      finished(csv, (err) => {
        options.metrics.exportRows.inc(csv.rows);
        if (err) {
          // Cut by the client (or failed): the connection is dropped, so nothing keeps running.
          copy.unpipe(csv);
          request.log.info({ rows: csv.rows, ms: Date.now() - started, reason: err.message }, "export stopped before its end");
          release(true);
          return;
        }
        request.log.info({ rows: csv.rows, ms: Date.now() - started }, "export sent");
        client.query("RESET statement_timeout").then(
          () => release(false),
          () => release(true),
        );
      });
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="payments.csv"')
        .send(csv);
    },
  );
}
