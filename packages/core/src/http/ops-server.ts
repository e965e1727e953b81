import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { frameworkErrors, registerHttpErrors } from "./http-errors.js";
import { type OpsRoutesOptions, registerOpsRoutes } from "./ops-routes.js";
import { lazyRequestLogger } from "./request-logger.js";

export interface OpsServerOptions extends OpsRoutesOptions {
  /** The process's logger (a `component: "http"` child is a good choice). */
  logger: Logger;
}

/**
 * The HTTP server of a process that serves nothing but `/healthz`, `/readyz` and `/metrics` (the
 * payer): those routes, and every other answer in the contract's error shape. Not listening.
 */
export function buildOpsServer(options: OpsServerOptions): FastifyInstance {
  const { logger, ...routes } = options;
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    childLoggerFactory: lazyRequestLogger,
    frameworkErrors,
  });
  registerHttpErrors(app);
  registerOpsRoutes(app, routes);
  return app;
}
