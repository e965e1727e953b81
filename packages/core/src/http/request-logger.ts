import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions, Logger } from "pino";
import { lazyChildLogger } from "../logger/lazy-child-logger.js";

/**
 * Fastify's `childLoggerFactory`: the per-request logger (`{reqId}`) is made only when something
 * is logged at an enabled level (see `lazyChildLogger`; it was ~5 % of a single POST's CPU).
 */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return lazyChildLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger;
}
