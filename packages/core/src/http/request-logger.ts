import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";
import { LogController } from "fastify";
import type { Bindings, ChildLoggerOptions, Logger } from "pino";
import { lazyChildLogger } from "../logger/lazy-child-logger.js";
import { loggableUrl } from "./request-id.js";

/**
 * Fastify's `childLoggerFactory`: the per-request logger (`{requestId}`) is made only when something
 * is logged at an enabled level (see `lazyChildLogger`; it was ~5 % of a single POST's CPU).
 */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return lazyChildLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger;
}

/**
 * Fastify's request logging, replaced: every request, whatever answered it (a route, the router's
 * 404, a framework error such as a bad URL), gets its `Request-Id` response header as soon as it
 * arrives, and exactly one log line when its connection is done with it — method, URL (credentials
 * redacted: {@link loggableUrl}), status, milliseconds and, as the request logger's binding,
 * `requestId`. A response the client abandoned (a live stream it closed) is logged with
 * `abandoned: true`. Fastify's own lines (`incoming request`, `request completed`, each with the
 * request's URL) are not written.
 */
export class RequestLogController extends LogController {
  constructor(private readonly level: "info" | "debug" = "info") {
    super({ requestIdLogLabel: "requestId" });
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    reply.raw.setHeader("request-id", request.id);
    reply.raw.once("close", () => {
      const fields = { method: request.method, url: loggableUrl(request.url), status: reply.raw.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
      request.log[this.level](reply.raw.writableFinished ? fields : { ...fields, abandoned: true }, "request");
    });
  }

  override requestCompleted(): void {
    // The line is written on close (above), also for answers that never reach onResponse.
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    // Fastify's own would add the request (its URL may carry a stream token); every service has its own handler anyway.
    if (reply.statusCode >= 500) request.log.error({ err: error }, "request failed");
  }
}
