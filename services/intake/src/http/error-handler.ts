import { ApiError, type HttpError, fastifyClientError, sendError } from "@oceanpos/core/http";
import type { Store } from "@oceanpos/core/stores";
import type { FastifyReply, FastifyRequest } from "fastify";
import { unavailableErrorOf } from "./redis-failure.js";

/** Methods that change nothing, whatever Redis did with their commands. */
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Maps any error to the contract's `{"error": {code, message, issues?}}` with its status. A Redis
 * failure escaping a route is judged by what ioredis proves (see `redis-failure.ts`); routes wrap
 * their steps that precede any write in `beforeAnyWrite`.
 */
export function toHttpError(err: unknown, bodyLimitBytes: number, method = "POST"): HttpError {
  if (err instanceof ApiError) return err;
  const unavailable = unavailableErrorOf(err, { beforeAnyWrite: safeMethods.has(method) });
  if (unavailable) return unavailable;
  // Fastify's own client errors (body too large, not JSON, bad Content-Length…), never its messages.
  const client = fastifyClientError(err, { bodyLimitBytes });
  if (client) return client;
  return new ApiError(500, "internal", "internal error; the request may be retried with the same body", { cause: err });
}

export function createErrorHandler(bodyLimitBytes: number) {
  return function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
    const api = toHttpError(err, bodyLimitBytes, request.method);
    if (api.status >= 500) {
      const level = api.status === 503 ? "warn" : "error";
      // Error objects only: never the request body, never headers.
      request.log[level](
        { err: api.status === 503 ? (err as Error).message : err, code: api.code, storeId: (request.store as Store | null)?.id },
        "request failed",
      );
    }
    return sendError(reply, api);
  };
}
