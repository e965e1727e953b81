import { namedResponse, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { type ListedTable, cursorCreatedAt, listSql, paymentsTable, refundsTable } from "../db/list-sql.js";
import { ReadAuth } from "../http/auth.js";
import { listCursor } from "../http/list-cursor.js";
import { type ListFilters, PaymentListQuery, RefundListQuery } from "../http/list-query.js";
import { PaymentList, RefundList, errorResponses } from "../http/schemas.js";

export interface ListRoutesOptions {
  pool: pg.Pool;
  auth: ReadAuth;
}

interface ListedRow {
  resource: string;
  k0: string;
  [key: string]: string;
}

/** `GET /v1/payments` and `GET /v1/refunds`: keyset-paged lists of archived resources. */
export function registerListRoutes(app: FastifyInstance, options: ListRoutesOptions): void {
  const list = (
    spec: ListedTable,
    schema: typeof PaymentListQuery | typeof RefundListQuery,
    page: typeof PaymentList | typeof RefundList,
    operationId: string,
    summary: string,
    description: string,
  ) =>
    app.get(
      `/v1/${spec.table}`,
      {
        schema: {
          operationId,
          summary,
          description,
          tags: ["archive"],
          querystring: schema,
          response: { 200: namedResponse(page, "One page, in the order asked for"), ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = options.auth.callerOf(request);
        const query = parseOrThrow(schema, request.query ?? {}, "query");
        const filters: ListFilters = { ...query, storeId: ReadAuth.scope(caller, query.storeId) };
        const keyParts = spec.keyColumns.length;
        const after = query.cursor !== undefined ? listCursor.decode(query.cursor, filters, keyParts) : undefined;
        const select = [`resource::text AS resource`, `${cursorCreatedAt} AS k0`, ...spec.keyColumns].join(", ");
        const { rows } = await options.pool.query<ListedRow>(listSql(spec, select, filters, after, query.limit + 1));
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const next = rows.length > query.limit && last ? listCursor.encode(filters, { createdAt: last.k0, rest: spec.keyColumns.map((c) => last[c] as string) }) : null;
        // The resources as archived, not parsed and serialised again.
        return reply.type("application/json; charset=utf-8").send(`{"data":[${page.map((r) => r.resource).join(",")}],"nextCursor":${JSON.stringify(next)}}`);
      },
    );

  list(
    paymentsTable,
    PaymentListQuery,
    PaymentList,
    "listPayments",
    "List archived payments",
    "Newest first (`order=asc`: oldest first), `limit` per page (1-500, default 50); `nextCursor` fetches the next page with the same filters. A store key sees its own store only.",
  );
  list(refundsTable, RefundListQuery, RefundList, "listRefunds", "List archived refunds", "The payments list's filters and paging, on refunds (`method`: the payment's).");
}
