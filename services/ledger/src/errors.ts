import { ApiError } from "@oceanpos/core/http";

/**
 * The ledger's errors beyond core's `InvalidRequestError` (400, from `parseOrThrow`): core's
 * {@link ApiError} with the contract's codes, answered with the request id by `errorHandler`.
 */

export function unauthorized(): ApiError {
  return new ApiError(401, "unauthorized", "a store API key or the operator token is required: Authorization: Bearer <token>", {
    headers: { "www-authenticate": 'Bearer realm="ledger"' },
  });
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, "forbidden", message);
}

/** PostgreSQL is unreachable or failing: nothing changed, retry later. */
export function unavailable(cause: unknown): ApiError {
  return new ApiError(503, "unavailable", "the archive is unavailable; retry later", { headers: { "retry-after": "1" }, cause });
}
