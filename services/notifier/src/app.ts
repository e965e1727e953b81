import type { AuditLog } from "@oceanpos/core/audit";
import type { EventLog } from "@oceanpos/core/events";
import {
  ApiError,
  type ReadinessCheck,
  createHttpApp,
  fastifyClientError,
  registerHttpErrors,
  registerOpsRoutes,
  sendError,
} from "@oceanpos/core/http";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { DeliveryLog, SubscriptionStore } from "@oceanpos/core/webhooks";
import type { FastifyInstance } from "fastify";
import type { Logger } from "@oceanpos/core/logger";
import type { Registry } from "prom-client";
import type { Authenticator } from "./http/auth.js";
import type { DeliveryQueues } from "./delivery/delivery-queues.js";
import type { Replayer } from "./delivery/replayer.js";
import { registerEventRoutes } from "./routes/event-routes.js";
import type { EventStreamHub } from "./events/event-stream-hub.js";
import type { StreamTokens } from "./events/stream-tokens.js";
import type { NotifierMetrics } from "./metrics.js";
import type { NoticeHandler } from "./notices/notice-handler.js";
import { registerOpenApi } from "./http/openapi.js";
import { registerNoticeRoutes } from "./routes/notice-routes.js";
import { registerSubscriptionRoutes } from "./routes/subscription-routes.js";
import type { UrlGuard } from "./delivery/url-guard.js";
import type { TestWebhookResult } from "./delivery/test-webhook.js";

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  metrics: NotifierMetrics;
  auth: Authenticator;
  stores: StoreRegistry;
  notices: NoticeHandler;
  /** `NOTICE_BODY_LIMIT_BYTES`. */
  noticeBodyLimit: number;
  subscriptions: SubscriptionStore;
  guard: UrlGuard;
  deliveryLog: DeliveryLog;
  queues: DeliveryQueues;
  replayer: Replayer;
  eventLog: EventLog;
  hub: EventStreamHub;
  /** `POST /v1/events/stream-tokens` and `GET /v1/events/stream?token=`. */
  streamTokens: StreamTokens;
  /** Makes this process's subscription cache and workers follow a change at once. */
  subscriptionsChanged: () => Promise<unknown>;
  /** `POST /v1/subscriptions/{id}/test`. */
  sendTestWebhook: (subscriptionId: string) => Promise<TestWebhookResult | undefined>;
  /** The audit log operators' subscription changes and replays are written to. */
  audit: AuditLog;
  checks: Record<string, ReadinessCheck>;
  isShuttingDown?: () => boolean;
  /** `CORS_ORIGINS`; default none. */
  corsOrigins?: readonly string[];
}

/** The notifier's HTTP surface; `listen` is the caller's business. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = createHttpApp({ logger: deps.logger.child({ component: "http" }), corsOrigins: deps.corsOrigins ?? [], bodyLimit: 256 * 1024 });

  // Route schemas document the API; handlers parse with them so every error keeps the contract's shape.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerOpenApi(app);
  registerOpsRoutes(app, {
    registry: deps.registry,
    checks: deps.checks,
    ...(deps.isShuttingDown ? { isShuttingDown: deps.isShuttingDown } : {}),
  });
  registerNoticeRoutes(app, { handler: deps.notices, metrics: deps.metrics, bodyLimit: deps.noticeBodyLimit });
  registerSubscriptionRoutes(app, {
    auth: deps.auth,
    store: deps.subscriptions,
    stores: deps.stores,
    guard: deps.guard,
    deliveryLog: deps.deliveryLog,
    queues: deps.queues,
    replayer: deps.replayer,
    changed: deps.subscriptionsChanged,
    sendTest: deps.sendTestWebhook,
    audit: deps.audit,
  });
  registerEventRoutes(app, { auth: deps.auth, eventLog: deps.eventLog, hub: deps.hub, tokens: deps.streamTokens });

  // Live streams never end by themselves: end them before the server waits for open connections.
  app.addHook("preClose", async () => {
    await deps.hub.close();
  });

  registerHttpErrors(app, { errorHandler: false });
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    // Fastify's own client errors, in the contract's words (its messages quote the URL or body).
    const client = fastifyClientError(error);
    if (client) return sendError(reply, client);
    request.log.error({ err: error }, "request failed");
    // Redis down or slow: safe to retry, nothing half-written (every write is one atomic step).
    return sendError(reply, { status: 503, code: "unavailable", message: "a dependency is unavailable; retry later" });
  });
  return app;
}
