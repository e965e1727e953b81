import { type HttpError, fastifyClientError, sendError } from "@oceanpos/core/http";
import type { Store } from "@oceanpos/core/stores";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError, UnavailableError } from "./errors.js";
import { isRedisOutOfMemory, isRedisUnavailable } from "./redis-unavailable.js";

/** Maps any error to the contract's `{"error": {code, message, issues?}}` with its status. */
export function toHttpError(err: unknown, bodyLimitBytes: number): HttpError {
  if (err instanceof ApiError) return err;
  if (isRedisUnavailable(err)) return new UnavailableError(undefined, err);
  if (isRedisOutOfMemory(err)) return new UnavailableError("storage is full: the request changed nothing and is safe to retry later", err);
  // Fastify's own client errors (body too large, not JSON, bad Content-Length…), never its messages.
  const client = fastifyClientError(err, { bodyLimitBytes });
  if (client) return client;
  return new ApiError(500, "internal", "internal error; the request may be retried with the same body", { cause: err });
}

export function createErrorHandler(bodyLimitBytes: number) {
  return function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
    const api = toHttpError(err, bodyLimitBytes);
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
