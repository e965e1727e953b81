import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { registerCors } from "./cors.js";
import { frameworkErrors } from "./http-errors.js";
import { requestIdOf } from "./request-id.js";
import { RequestLogController, lazyRequestLogger } from "./request-logger.js";

export interface HttpAppOptions {
  /** The process's logger (a `component: "http"` child is a good choice). */
  logger: Logger;
  /** `CORS_ORIGINS`: browser origins that get CORS headers; default none. */
  corsOrigins?: readonly string[];
  /** Level of the one line logged per request; default `info` (the sandbox: `debug`). */
  requestLogLevel?: "info" | "debug";
  /** Largest body; default Fastify's 1 MiB. */
  bodyLimit?: number;
  /** Fastify's own 503 while closing; false where a hook answers draining in the contract's shape. Default true. */
  return503OnClosing?: boolean;
}

/**
 * The Fastify instance of every HTTP process, not listening, with what they all share:
 * - `Request-Id` on every response: the caller's when well-formed, else a new one
 *   ({@link requestIdOf}); it is `requestId` on every log line of the request and in every error
 *   body (`sendError`);
 * - exactly one log line per request ({@link RequestLogController});
 * - CORS for `corsOrigins`;
 * - Fastify's framework errors in the contract's shape (the not-found and error handlers are
 *   `registerHttpErrors`' or the service's own).
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // No pino child per request unless it logs.
    childLoggerFactory: lazyRequestLogger,
    genReqId: requestIdOf,
    logController: new RequestLogController(options.requestLogLevel ?? "info"),
    frameworkErrors,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.return503OnClosing === undefined ? {} : { return503OnClosing: options.return503OnClosing }),
  }) as unknown as FastifyInstance;
  registerCors(app, options.corsOrigins ?? []);
  return app;
}
