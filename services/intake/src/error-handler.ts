import type { Store } from "@oceanpos/core/stores";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, InvalidRequestError, UnavailableError } from "./errors.js";
import { isRedisOutOfMemory, isRedisUnavailable } from "./redis-unavailable.js";

/** Maps any error to the contract's `{"error": {code, message, issues?}}` with its status. */
export function toApiError(err: unknown, bodyLimitBytes: number): ApiError {
  if (err instanceof ApiError) return err;
  if (isRedisUnavailable(err)) return new UnavailableError(undefined, err);
  if (isRedisOutOfMemory(err)) return new UnavailableError("storage is full: the request changed nothing and is safe to retry later", err);
  const fastifyError = err as Partial<FastifyError>;
  const code = fastifyError.code ?? "";
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new ApiError(413, "payload_too_large", `the body is larger than ${bodyLimitBytes} bytes`);
  }
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return new ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json");
  }
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    // JSON.parse messages quote the body; it may hold a payment code, so it is not echoed.
    return new InvalidRequestError([{ path: "", message: "is not valid JSON" }], "the body is not valid JSON");
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // Other client errors raised by fastify (bad Content-Length, prototype poisoning, …).
    return new InvalidRequestError([], fastifyError.message ?? "the request is not valid");
  }
  return new ApiError(500, "internal", "internal error; the request may be retried with the same body", { cause: err });
}

export function createErrorHandler(bodyLimitBytes: number) {
  return function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
    const api = toApiError(err, bodyLimitBytes);
    if (api.status >= 500) {
      const level = api.status === 503 ? "warn" : "error";
      // Error objects only: never the request body, never headers.
      request.log[level](
        { err: api.status === 503 ? (err as Error).message : err, code: api.code, storeId: (request.store as Store | null)?.id },
        "request failed",
      );
    }
    return reply.code(api.status).headers(api.headers).send(api.toBody());
  };
}
