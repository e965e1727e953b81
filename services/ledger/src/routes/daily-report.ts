import { namedResponse, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { z } from "zod";
import { type DailyReportRow, dailyReportSql } from "../db/daily-report-sql.js";
import { ReadAuth } from "../http/auth.js";
import { formatAmount } from "@oceanpos/core/payments";
import { errorResponses, openApiSchemas } from "../http/schemas.js";
import { isTimeZone } from "../http/time-zone.js";

export interface DailyReportRouteOptions {
  pool: pg.Pool;
  auth: ReadAuth;
  /** `GATEWAY_TIME_ZONE`: the zone when the caller names none. */
  defaultTimeZone: string;
}

export const DailyReportQuery = z.strictObject({
  date: z.iso.date({ error: "must be a date YYYY-MM-DD" }),
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai").optional().describe("default GATEWAY_TIME_ZONE"),
  storeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a store id (1-64 of A-Z a-z 0-9 _ -)").optional(),
});

const Totals = z.object({ count: z.number().int(), amount: z.string().meta({ example: "1250.00" }) });
export const DailyReport = z.object({
  date: z.string(),
  timeZone: z.string(),
  stores: z.array(
    z.object({
      storeId: z.string(),
      currency: z.string(),
      payments: Totals,
      refunds: Totals,
      net: z.string(),
      failed: z.number().int(),
      voided: z.number().int(),
      needsReview: z.number().int(),
      byMethod: z.array(z.object({ method: z.string(), payments: Totals, refunds: Totals })),
    }),
  ),
});
type DailyReport = z.infer<typeof DailyReport>;
openApiSchemas.add(DailyReport, { id: "DailyReport" });

/** `GET /v1/reports/daily`: one day in a time zone, per store and currency. */
export function registerDailyReportRoute(app: FastifyInstance, options: DailyReportRouteOptions): void {
  app.get(
    "/v1/reports/daily",
    {
      schema: {
        operationId: "getDailyReport",
        summary: "Daily totals per store and currency",
        description:
          "Payments created on `date` in `timeZone` (default GATEWAY_TIME_ZONE): `payments` counts and sums the succeeded ones, " +
          "`failed`, `voided` and `needsReview` count the others; `refunds` are the succeeded refunds created that day; " +
          "`net` = payments − refunds. Amounts are exact decimal strings with the currency's decimals.",
        tags: ["reports"],
        querystring: DailyReportQuery,
        response: { 200: namedResponse(DailyReport, "The day's totals"), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = options.auth.callerOf(request);
      const query = parseOrThrow(DailyReportQuery, request.query ?? {}, "query");
      const storeId = ReadAuth.scope(caller, query.storeId);
      const timeZone = query.timeZone ?? options.defaultTimeZone;
      const { rows } = await options.pool.query<DailyReportRow>(dailyReportSql, [query.date, timeZone, storeId ?? null]);
      return reply.send({ date: query.date, timeZone, stores: reportOf(rows) } satisfies DailyReport);
    },
  );
}

/** Rows come ordered store, currency, the total first, then its methods. */
function reportOf(rows: readonly DailyReportRow[]): DailyReport["stores"] {
  const stores: DailyReport["stores"] = [];
  for (const row of rows) {
    const totals = (count: string, amount: string) => ({ count: Number(count), amount: formatAmount(amount, row.currency) });
    if (row.total) {
      stores.push({
        storeId: row.store_id,
        currency: row.currency,
        payments: totals(row.payments_count, row.payments_amount),
        refunds: totals(row.refunds_count, row.refunds_amount),
        net: formatAmount(row.net, row.currency),
        failed: Number(row.failed),
        voided: Number(row.voided),
        needsReview: Number(row.needs_review),
        byMethod: [],
      });
    } else {
      stores[stores.length - 1]?.byMethod.push({
        method: row.method ?? "unknown",
        payments: totals(row.payments_count, row.payments_amount),
        refunds: totals(row.refunds_count, row.refunds_amount),
      });
    }
  }
  return stores;
}
