import {
  createHttpApp,
  observeHttpRequests,
  registerHttpErrors,
  registerOpsRoutes,
  registerQueueMetrics,
  registerRedisMemoryMetrics,
  requirePermission,
} from "@oceanpos/core/http";
import { AuditLog } from "@oceanpos/core/audit";
import type { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentRecorder, PaymentRetention, type PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { RefundStore } from "@oceanpos/core/refunds";
import { PaymentReview, registerReviewRoutes } from "@oceanpos/core/review";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { PaymentArchive } from "@oceanpos/core/archive";
import { createErrorHandler } from "./http/error-handler.js";
import { UnavailableError } from "./errors.js";
import type { IntakeQueues } from "./jobs.js";
import { IntakeMetrics } from "./metrics.js";
import { PaymentIntake } from "./payment-intake.js";
import { PaymentWaiter } from "./payment-waiter.js";
import { RefundIntake } from "./refund-intake.js";
import { registerStoreAuth } from "./http/auth.js";
import { registerIdempotencyKeyRefusal } from "./http/idempotency-key.js";
import { registerJsonBody } from "./http/json-body.js";
import { registerOpenApi } from "./http/openapi.js";
import { type QueueBoardOptions, registerQueueBoard } from "./http/queue-board.js";
import { registerStoreRateLimit } from "./http/rate-limit.js";
import { beforeAnyWrite } from "./http/redis-failure.js";
import { errorResponses } from "./http/schemas.js";
import { registerBatch } from "./routes/batch.js";
import { registerCreatePayment } from "./routes/create-payment.js";
import { registerCreateRefund } from "./routes/create-refund.js";
import { registerGetPayment } from "./routes/get-payment.js";
import { paymentTarget } from "./routes/payment-target.js";
import { registerQr } from "./routes/qr.js";
import { registerReadRefunds } from "./routes/read-refunds.js";
import type { RouteContext } from "./routes/route-context.js";
import { registerVoidPayment } from "./routes/void-payment.js";

export interface AppDeps {
  /** Producer connection (fails fast while Redis is down): payments, rate limits, readiness. */
  redis: Redis;
  /** Connection reserved for SUBSCRIBE (`Prefer: wait`); one per process. */
  subscriber: Redis;
  stores: StoreRegistry;
  /** Built on `redis` with `keyPrefix`. */
  payments: PaymentStore;
  /** Default: one on `redis` with `keyPrefix` (the payment store's stream trimming). */
  refunds?: RefundStore;
  /** `ADMIN_TOKEN`: the break-glass operator (the stores file's operators are always known); absent, none. */
  adminToken?: string;
  /** The gateway operators' queries and resolves ask. */
  client: OceanpaymentClient;
  /** Where operator actions are recorded; default one on `redis` with `keyPrefix`. */
  audit?: AuditLog;
  queues: IntakeQueues;
  registry: Registry;
  logger: Logger;
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string;
  /** Default `() => new Date()`. */
  clock?: () => Date;
  /** Largest request body; default 1 MiB. */
  bodyLimitBytes?: number;
  /** True once the process started shutting down (also set by `app.close()` itself). */
  isDraining?: () => boolean;
  /** Shared with the recovery sweep so both count on the same metrics; created when absent. */
  metrics?: IntakeMetrics;
  /** `CORS_ORIGINS`; default none. */
  corsOrigins?: readonly string[];
  /** Bull Board at `/admin/queues` behind operator tokens; absent: no dashboard. */
  board?: QueueBoardOptions;
  /** Payments that have left Redis (PostgreSQL); absent: a payment not in Redis is a 404. Not a readiness check. */
  archive?: PaymentArchive;
}

const opsRoutes = new Set(["/healthz", "/readyz", "/metrics"]);

/** The intake HTTP API, not listening: `main.ts` listens, tests use `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimitBytes ?? 1024 * 1024;
  const clock = deps.clock ?? (() => new Date());
  const metrics = deps.metrics ?? new IntakeMetrics(deps.registry);
  const app = createHttpApp({
    logger: deps.logger.child({ component: "http" }),
    corsOrigins: deps.corsOrigins ?? [],
    bodyLimit,
    // Draining is answered by our hook below, in the contract's error format.
    return503OnClosing: false,
  });

  // Route schemas are zod schemas used for the OpenAPI document; handlers parse with them
  // themselves so that every error keeps the contract's shape.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerHttpErrors(app, { errorHandler: false });
  app.setErrorHandler(createErrorHandler(bodyLimit));
  registerJsonBody(app);
  observeHttpRequests(app, metrics.http);

  const waiter = new PaymentWaiter({ subscriber: deps.subscriber, payments: deps.payments, keyPrefix: deps.keyPrefix, logger: deps.logger });
  let closing = false;
  const draining = () => closing || (deps.isDraining?.() ?? false);
  app.addHook("preClose", async () => {
    closing = true;
    // Held `Prefer: wait` requests answer now (202 with the current state) so close is quick.
    waiter.close();
  });
  app.addHook("onRequest", async (request) => {
    if (draining() && !opsRoutes.has(request.routeOptions.url ?? "")) {
      throw UnavailableError.unchanged("this instance is shutting down (another instance will answer)");
    }
  });

  registerOpsRoutes(app, { registry: deps.registry, checks: { redis: () => deps.redis.ping() }, isShuttingDown: draining });
  // Depth of the queues this process produces to, read on scrape through the fail-fast producer connection.
  registerQueueMetrics(deps.registry, Object.values(deps.queues));
  // Redis's memory against maxmemory, from one process only (payments are kept for good: docs/operations.md).
  registerRedisMemoryMetrics(deps.registry, deps.redis);
  await registerOpenApi(app);
  if (deps.board) await registerQueueBoard(app, deps.board);

  const refunds = deps.refunds ?? new RefundStore({ redis: deps.redis, keyPrefix: deps.keyPrefix, clock });
  const audit = deps.audit ?? new AuditLog({ redis: deps.redis, keyPrefix: deps.keyPrefix, clock });
  // The payer's recorder: a change an operator's query or resolve learns keeps the reconciliation schedule with it.
  const recorder = new PaymentRecorder({
    store: deps.payments,
    schedule: new ReconcileSchedule({ redis: deps.redis, keyPrefix: deps.keyPrefix }),
    clock: () => clock().getTime(),
  });
  const ctx: RouteContext = {
    intake: new PaymentIntake({ payments: deps.payments, metrics, clock }),
    payments: deps.payments,
    queues: deps.queues,
    waiter,
    stores: deps.stores,
    refunds,
    refundIntake: new RefundIntake({ refunds, metrics, clock }),
    retention: new PaymentRetention({ redis: deps.redis, keyPrefix: deps.keyPrefix, clock }),
    ...(deps.archive ? { archive: deps.archive } : {}),
    audit,
    review: new PaymentReview({ client: deps.client, recorder, refunds, audit, logger: deps.logger.child({ component: "review" }) }),
  };
  await app.register(
    async (v1) => {
      registerStoreAuth(v1, { stores: deps.stores, adminToken: deps.adminToken });
      registerIdempotencyKeyRefusal(v1);
      registerStoreRateLimit(v1, { redis: deps.redis, keyPrefix: deps.keyPrefix, metrics });
      registerCreatePayment(v1, ctx);
      registerBatch(v1, ctx);
      registerGetPayment(v1, ctx);
      registerQr(v1, ctx);
      registerVoidPayment(v1, ctx);
      registerCreateRefund(v1, ctx);
      registerReadRefunds(v1, ctx);
      registerReviewRoutes(v1, {
        review: ctx.review,
        target: (request, orderNumber) => paymentTarget(ctx, request, orderNumber),
        refund: (target, refundNumber) => beforeAnyWrite(refunds.get({ ...target.ref, refundNumber })),
        // The store auth hook has checked the route's `config.operator`; this names the caller.
        operator: (request, action) => requirePermission(request.caller, action),
        errorResponses,
        securityScheme: "operatorToken",
      });
    },
    { prefix: "/v1" },
  );
  return app;
}

