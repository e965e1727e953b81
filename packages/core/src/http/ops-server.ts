import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { createHttpApp } from "./http-app.js";
import { registerHttpErrors } from "./http-errors.js";
import { type OpsRoutesOptions, registerOpsRoutes } from "./ops-routes.js";

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
  const app = createHttpApp({ logger });
  registerHttpErrors(app);
  registerOpsRoutes(app, routes);
  return app;
}
