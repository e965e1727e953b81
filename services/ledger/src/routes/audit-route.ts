import { AuditEntry, auditIdOf, streamIdOfAudit } from "@oceanpos/core/audit";
import { parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { z } from "zod";
import type { ReadAuth } from "../http/auth.js";
import { errorResponses } from "../http/schemas.js";

export interface AuditRouteOptions {
  pool: pg.Pool;
  auth: ReadAuth;
}

const AuditQuery = z.strictObject({
  after: z
    .string()
    .refine((v) => streamIdOfAudit(v) !== undefined, "must be an audit entry id (aud_…)")
    .optional()
    .describe("the id of the last entry of the previous page (`next`)"),
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 500" })
    .int("must be a whole number from 1 to 500")
    .min(1, "must be a whole number from 1 to 500")
    .max(500, "must be a whole number from 1 to 500")
    .default(100),
});

interface AuditRow {
  stream_ms: string;
  stream_seq: string;
  at: Date;
  operator: string;
  role: AuditEntry["role"];
  action: AuditEntry["action"];
  target: string;
  reason: string | null;
  details: Record<string, string> | null;
}

const selectPage = `
SELECT stream_ms, stream_seq, at, operator, role, action, target, reason, details
FROM audit WHERE (stream_ms, stream_seq) > ($1::bigint, $2::bigint)
ORDER BY stream_ms, stream_seq LIMIT $3`;

/** `GET /v1/audit?after=&limit=`: the audit log, oldest first, keyset-paged by entry id. */
export function registerAuditRoute(app: FastifyInstance, options: AuditRouteOptions): void {
  app.get(
    "/v1/audit",
    {
      schema: {
        operationId: "listAudit",
        summary: "The audit log of operator actions",
        description:
          "Every operator action (resolve, query, refunds made with an operator token, webhook replays, subscription changes, " +
          "reconciliation runs, queue board changes), oldest first: who (operator and role), when, what (action), target, " +
          "reason and details. `limit` per page (1-500, default 100); `next` is the `after` of the next page (null: the end so far). " +
          "Operators whose role may read the audit log (admin, finance).",
        tags: ["audit"],
        querystring: AuditQuery,
        response: { 200: z.object({ data: z.array(AuditEntry), next: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      options.auth.operator(request, "audit.read");
      const query = parseOrThrow(AuditQuery, request.query ?? {}, "query");
      const [ms, seq] = query.after === undefined ? ["0", "-1"] : (streamIdOfAudit(query.after) as string).split("-");
      const { rows } = await options.pool.query<AuditRow>(selectPage, [ms, seq, query.limit + 1]);
      const data = rows.slice(0, query.limit).map(entryOf);
      const last = data[data.length - 1];
      return { data, next: rows.length > query.limit && last ? last.id : null };
    },
  );
}

function entryOf(row: AuditRow): AuditEntry {
  return {
    id: auditIdOf(`${row.stream_ms}-${row.stream_seq}`),
    at: row.at.toISOString(),
    operator: row.operator,
    role: row.role,
    action: row.action,
    target: row.target,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.details === null ? {} : { details: row.details }),
  };
}
