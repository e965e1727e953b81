import { ApiError, type ReadinessCheck, createHttpApp, observeHttpRequests, registerHttpErrors, registerOpsRoutes } from "@oceanpos/core/http";
import type { Logger } from "@oceanpos/core/logger";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { Registry } from "prom-client";
import { type ConsoleOptions, registerConsole } from "./console/console-plugin.js";
import type { ReadAuth } from "./http/auth.js";
import { errorHandler } from "./http/error-handler.js";
import { registerOpenApi } from "./http/openapi.js";
import type { LedgerMetrics } from "./metrics.js";
import { registerAuditRoute } from "./routes/audit-route.js";
import { registerDailyReportRoute } from "./routes/daily-report.js";
import { registerExportRoute } from "./routes/export-payments.js";
import { registerListRoutes } from "./routes/list-routes.js";
import { registerMeRoute } from "./routes/me-route.js";
import { type ReconciliationRoutesOptions, registerReconciliationRoutes } from "./routes/reconciliations.js";
import { type LedgerReviewOptions, registerLedgerReviewRoutes } from "./routes/review-routes.js";

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  metrics: LedgerMetrics;
  /** Reads (lists, reports) and exports. */
  pool: pg.Pool;
  auth: ReadAuth;
  /** `GATEWAY_TIME_ZONE`. */
  defaultTimeZone: string;
  /** `/readyz`: PostgreSQL and Redis. */
  checks: Record<string, ReadinessCheck>;
  isShuttingDown?: () => boolean;
  /** Runs and starts reconciliations. */
  reconciliations: Omit<ReconciliationRoutesOptions, "auth" | "defaultTimeZone">;
  /** `CORS_ORIGINS`; default none. */
  corsOrigins?: readonly string[];
  /** Operators' query and resolve of one payment or refund (core's review routes). */
  review: Omit<LedgerReviewOptions, "auth" | "pool">;
  /** The operator console at `/console` (assets and forwarding to the intake and notifier). */
  console: ConsoleOptions;
}

const opsRoutes = new Set(["/healthz", "/readyz", "/metrics"]);

/** The ledger's HTTP surface, not listening: `main.ts` listens, tests use `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createHttpApp({ logger: deps.logger.child({ component: "http" }), corsOrigins: deps.corsOrigins ?? [], return503OnClosing: false });
  // Route schemas document the API; handlers parse with them so every error keeps the contract's shape.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerHttpErrors(app, { errorHandler: false });
  app.setErrorHandler(errorHandler);
  app.addHook("onRequest", async (request) => {
    if (deps.isShuttingDown?.() && !opsRoutes.has(request.routeOptions.url ?? "")) {
      throw new ApiError(503, "unavailable", "this instance is shutting down; retry (another instance will answer)", { headers: { "retry-after": "1" } });
    }
  });
  observeHttpRequests(app, deps.metrics.http);

  registerOpsRoutes(app, { registry: deps.registry, checks: deps.checks, ...(deps.isShuttingDown ? { isShuttingDown: deps.isShuttingDown } : {}) });
  await registerOpenApi(app);
  registerListRoutes(app, { pool: deps.pool, auth: deps.auth });
  registerExportRoute(app, { pool: deps.pool, auth: deps.auth, metrics: deps.metrics });
  registerDailyReportRoute(app, { pool: deps.pool, auth: deps.auth, defaultTimeZone: deps.defaultTimeZone });
  registerReconciliationRoutes(app, { ...deps.reconciliations, auth: deps.auth, defaultTimeZone: deps.defaultTimeZone });
  registerAuditRoute(app, { pool: deps.pool, auth: deps.auth });
  registerMeRoute(app, { auth: deps.auth });
  await registerLedgerReviewRoutes(app, { ...deps.review, pool: deps.pool, auth: deps.auth });
  await registerConsole(app, deps.console);
  return app;
}
