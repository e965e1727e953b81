import { ApiError } from "@oceanpos/core/http";

// The intake API's errors: core's ApiError (answered by `sendError`) with the contract's codes.
// A 400 is core's InvalidRequestError, thrown by `parseOrThrow`.

export class UnauthorizedError extends ApiError {
  constructor() {
    super(401, "unauthorized", "a valid store API key is required: Authorization: Bearer <key>", {
      headers: { "www-authenticate": 'Bearer realm="intake"' },
    });
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class IdempotencyConflictError extends ApiError {
  constructor(orderNumber: string, reason: "different_body" | "other_store") {
    // The other store's data (or even its existence) is not the caller's business: one message.
    super(
      409,
      "idempotency_conflict",
      reason === "different_body"
        ? `orderNumber ${orderNumber} was already used with a different request body`
        : `orderNumber ${orderNumber} is already in use; choose another orderNumber`,
    );
  }
}

/** A store key naming another store, or the operator token on a route for store keys only. */
export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class RefundIdempotencyConflictError extends ApiError {
  constructor(orderNumber: string, refundNumber: string) {
    super(409, "idempotency_conflict", `refundNumber ${refundNumber} was already used for payment ${orderNumber} with a different request body`);
  }
}

export class PaymentNotRefundableError extends ApiError {
  constructor(orderNumber: string, status: string) {
    super(409, "payment_not_refundable", `payment ${orderNumber} is ${status}; only a succeeded payment can be refunded`);
  }
}

/** The refund asks for more than the payment's other refunds (not `failed`) leave: `refundableAmount` is what they leave. */
export class RefundExceedsPaymentError extends ApiError {
  constructor(orderNumber: string, refundableAmount: string, currency: string) {
    super(409, "refund_exceeds_payment", `payment ${orderNumber} has ${refundableAmount} ${currency} left to refund`, { details: { refundableAmount } });
  }
}

// 409 invalid_state: the review routes' (core's review module), also a void of a payment past voiding.
export { InvalidStateError } from "@oceanpos/core/review";

export class RateLimitedError extends ApiError {
  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(429, "rate_limited", `too many requests for this store; retry in ${seconds} s`, {
      headers: { "retry-after": String(seconds) },
    });
  }
}

/**
 * 503 `unavailable`. The contract: the message says whether the request provably changed nothing
 * or its outcome is unknown; either way the client retries with the same body (creates are
 * idempotent per orderNumber, a void is queued once per payment).
 */
export class UnavailableError extends ApiError {
  constructor(message: string, cause?: unknown) {
    super(503, "unavailable", message, {
      headers: { "retry-after": "1" },
      cause,
    });
  }

  /** The request provably changed nothing (`why`: "storage is unreachable", "storage is full"…). */
  static unchanged(why: string, cause?: unknown): UnavailableError {
    return new UnavailableError(`${why}: the request changed nothing; retry with the same body`, cause);
  }

  /** The write may have happened: saying "nothing changed" here would be a lie that costs money. */
  static outcomeUnknown(cause?: unknown): UnavailableError {
    return new UnavailableError("storage did not confirm the write: outcome unknown: retry with the same body", cause);
  }
}
