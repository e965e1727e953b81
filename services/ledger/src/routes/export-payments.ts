import { parseOrThrow, rawResponse } from "@oceanpos/core/http";
import { finished } from "node:stream";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import Cursor from "pg-cursor";
import { listSql, paymentsTable } from "../db/list-sql.js";
import { CsvExportStream } from "../export/csv-export-stream.js";
import { ReadAuth } from "../http/auth.js";
import { formatAmount } from "../http/currency-amount.js";
import { type ListFilters, PaymentExportQuery } from "../http/list-query.js";
import { errorResponses } from "../http/schemas.js";
import type { LedgerMetrics } from "../metrics.js";

export interface ExportRouteOptions {
  pool: pg.Pool;
  auth: ReadAuth;
  metrics: LedgerMetrics;
  /** Rows fetched from PostgreSQL per round trip; default 1 000. */
  batchSize?: number;
}

/** The contract's columns, in order. */
export const exportColumns = [
  "orderNumber", "storeId", "createdAt", "updatedAt", "status", "mode", "method", "currency", "amount", "refundedAmount", "paymentId", "gatewayCode",
] as const;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const exportSelect = [
  "order_number", "store_id", iso("created_at"), iso("updated_at"), "status", "mode", "method", "currency", "amount", "refunded_amount", "payment_id", "gateway_code",
].join(", ");
const amountColumn = exportColumns.indexOf("amount");
const refundedColumn = exportColumns.indexOf("refundedAmount");
const currencyColumn = exportColumns.indexOf("currency");

/**
 * `GET /v1/payments/export`: every payment matching the list's filters, as CSV, streamed. The rows
 * come through a server-side cursor on a connection of the export's own, a batch at a time, only
 * as fast as the client reads (memory stays flat whatever the size; see `CsvExportStream`); a
 * client that hangs up destroys the stream, which closes the cursor and drops the connection:
 * the query stops.
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
      const sql = listSql(paymentsTable, exportSelect, filters);
      const csv = new CsvExportStream({
        cursor: client.query(new Cursor<string[]>(sql.text, sql.values, { rowMode: "array" })),
        columns: exportColumns,
        batchSize: options.batchSize ?? 1_000,
        mapRow: (row) => {
          const currency = row[currencyColumn] as string;
          row[amountColumn] = formatAmount(row[amountColumn] as string, currency);
          row[refundedColumn] = formatAmount(row[refundedColumn] as string, currency);
        },
      });
      const started = Date.now();
      finished(csv, (err) => {
        options.metrics.exportRows.inc(csv.rows);
        if (err) {
          // Cut by the client (or failed): the connection is dropped, so nothing keeps running.
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
