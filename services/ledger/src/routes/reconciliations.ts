import { type AuditLog, auditTargets } from "@oceanpos/core/audit";
import { ApiError, InvalidRequestError, errorBody, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ReadAuth } from "../http/auth.js";
import { ErrorBody, errorResponses } from "../http/schemas.js";
import { isTimeZone } from "../http/time-zone.js";
import type { ReconciliationRunner } from "../reconciliation/reconciliation-runner.js";
import { ReconciliationRun } from "../reconciliation/run.js";
import type { RunStore } from "../reconciliation/run-store.js";
import { addDays, addMonths, dateInZone } from "../reconciliation/zoned-time.js";

export interface ReconciliationRoutesOptions {
  auth: ReadAuth;
  runner: Pick<ReconciliationRunner, "start">;
  runs: Pick<RunStore, "list" | "get">;
  /** Where an operator's run is recorded (`reconciliation.run`). */
  audit: Pick<AuditLog, "record">;
  /** `GATEWAY_TIME_ZONE`: the zone when the caller names none. */
  defaultTimeZone: string;
  clock: () => number;
}

const day = z.iso.date({ error: "must be a date YYYY-MM-DD" });
const zone = z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai");

export const StartReconciliation = z.strictObject({
  date: day,
  timeZone: zone.optional().describe("default GATEWAY_TIME_ZONE"),
});

export const ListReconciliations = z
  .strictObject({ date: day.optional(), from: day.optional(), to: day.optional() })
  .refine((q) => (q.date !== undefined) !== (q.from !== undefined || q.to !== undefined), { message: "give date, or from and to", path: ["date"] })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: "give both from and to", path: ["to"] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: "must not be before from", path: ["to"] })
  .refine((q) => q.from === undefined || q.to === undefined || q.to <= addDays(q.from, 366), { message: "a range of at most 366 days", path: ["to"] });

const RunList = z.object({ data: z.array(ReconciliationRun) });
const RunParams = z.object({ id: z.string().describe("rec_…") });
const runId = /^rec_[0-9a-f-]{36}$/;

/** Oceanpayment lists the last six months only (docs/oceanpayment-wire.md); the future has nothing to compare. */
function checkDay(date: string, timeZone: string, now: number): void {
  const today = dateInZone(now, timeZone);
  if (date > today) throw new InvalidRequestError([{ path: "date", message: `must not be in the future (today is ${today} in ${timeZone})` }]);
  // A day is listed from ten minutes before its midnight: its first day is the day after the limit's.
  const earliest = addDays(addMonths(today, -6), 1);
  if (date < earliest) throw new InvalidRequestError([{ path: "date", message: `must be within the gateway's last six months (from ${earliest})` }]);
}

/** `POST /v1/reconciliations`, `GET /v1/reconciliations`, `GET /v1/reconciliations/{id}` (operator). */
export function registerReconciliationRoutes(app: FastifyInstance, options: ReconciliationRoutesOptions): void {
  app.post(
    "/v1/reconciliations",
    {
      schema: {
        operationId: "startReconciliation",
        summary: "Start a reconciliation of one day with Oceanpayment",
        description:
          "Compares `date` in `timeZone` (default GATEWAY_TIME_ZONE) with Oceanpayment's list of successful orders, for every terminal of the stores file, " +
          "in the background: poll the run's `Location`. Today may be run and is marked `partial`. A run already in progress for that day answers 409 with it.",
        tags: ["reconciliations"],
        body: StartReconciliation,
        response: {
          202: ReconciliationRun,
          409: ErrorBody.extend({ run: ReconciliationRun }).describe("reconciliation_running: the run in progress for that day"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const operator = options.auth.operator(request, "reconciliations.run");
      const body = parseOrThrow(StartReconciliation, request.body ?? {});
      const timeZone = body.timeZone ?? options.defaultTimeZone;
      checkDay(body.date, timeZone, options.clock());
      // The caller's identity stays with the run (the audit log reads it from there).
      const result = await options.runner.start({ date: body.date, timeZone, requestedBy: operator.name });
      if (result.started) {
        await options.audit.record({ operator: operator.name, role: operator.role, action: "reconciliation.run", target: auditTargets.reconciliation(body.date), details: { timeZone, runId: result.run.id } });
        return reply.code(202).header("location", `/v1/reconciliations/${result.run.id}`).send(result.run);
      }
      if (!result.running) throw new ApiError(409, "reconciliation_running", "a run for this day has just ended or started; list the day's runs");
      const running = new ApiError(409, "reconciliation_running", `a reconciliation of ${body.date} (${timeZone}) is running: wait for it`);
      return reply
        .code(409)
        .header("location", `/v1/reconciliations/${result.running.id}`)
        .send({ ...errorBody(running, request.id), run: result.running });
    },
  );

  app.get(
    "/v1/reconciliations",
    {
      schema: {
        operationId: "listReconciliations",
        summary: "Reconciliation runs of a day or a range of days",
        description: "`date`, or `from` and `to` (both included, at most 366 days): newest day first, newest run first within a day.",
        tags: ["reconciliations"],
        querystring: ListReconciliations,
        response: { 200: RunList, ...errorResponses },
      },
    },
    async (request, reply) => {
      options.auth.operator(request, "read");
      const query = parseOrThrow(ListReconciliations, request.query ?? {}, "query");
      const from = query.date ?? (query.from as string);
      const to = query.date ?? (query.to as string);
      return reply.send({ data: await options.runs.list(from, to) });
    },
  );

  app.get(
    "/v1/reconciliations/:id",
    {
      schema: {
        operationId: "getReconciliation",
        summary: "One reconciliation run",
        tags: ["reconciliations"],
        params: RunParams,
        response: { 200: ReconciliationRun, 404: ErrorBody.describe("not_found"), ...errorResponses },
      },
    },
    async (request, reply) => {
      options.auth.operator(request, "read");
      const { id } = request.params as { id: string };
      const run = runId.test(id) ? await options.runs.get(id) : undefined;
      if (!run) throw new ApiError(404, "not_found", "no reconciliation run with this id");
      return reply.send(run);
    },
  );
}
