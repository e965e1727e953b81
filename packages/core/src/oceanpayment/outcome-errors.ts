import { GatewayAmbiguousError, GatewayPermanentError, GatewayRetryableError } from "./errors.js";
import type { GatewayFailure } from "./gateway-failure.js";
import { assertNever, type PayOutcome } from "./pay-outcome.js";
import type { QueryOutcome } from "./query-outcome.js";
import type { RefundOutcome } from "./refund-outcome.js";
import type { VoidOutcome } from "./void-outcome.js";

/**
 * The one mapping from outcomes to the errors a job throws. `undefined` means "an answer, not an
 * error": the payer records it (succeeded, failed, pending, voided…).
 */
export type GatewayOutcomeError = GatewayRetryableError | GatewayAmbiguousError | GatewayPermanentError;

function failureError(failure: GatewayFailure, operation: string): GatewayOutcomeError {
  const details = { reason: failure.reason, statusCode: failure.statusCode, gatewayCode: failure.kind === "ambiguous" ? failure.code : undefined, cause: failure.cause };
  return failure.kind === "retryable"
    ? new GatewayRetryableError(`${operation}: ${failure.message}`, details)
    : new GatewayAmbiguousError(`${operation}: ${failure.message}`, details);
}

function rejectedError(operation: string, code: string): GatewayPermanentError {
  return new GatewayPermanentError(`${operation}: request refused by Oceanpayment (${code})`, { reason: "rejected", gatewayCode: code });
}

export function payOutcomeError(outcome: PayOutcome): GatewayOutcomeError | undefined {
  switch (outcome.kind) {
    case "succeeded":
    case "failed":
    case "pending":
    case "awaiting_customer":
      return undefined;
    case "duplicate_order":
      // Not a failure and not resendable: the order already succeeded once; settle by query.
      return new GatewayAmbiguousError("pay: duplicate order (20061), settle by query", { reason: "duplicate_order", gatewayCode: outcome.details.code });
    case "rejected":
      return rejectedError("pay", outcome.code);
    case "retryable":
    case "ambiguous":
      return failureError(outcome, "pay");
    default:
      return assertNever(outcome);
  }
}

/** A query is read-only: an ambiguous query is retried like a retryable one. */
export function queryOutcomeError(outcome: QueryOutcome): GatewayOutcomeError | undefined {
  switch (outcome.kind) {
    case "answered":
      return undefined;
    case "rejected":
      return rejectedError("query", outcome.code);
    case "retryable":
      return failureError(outcome, "query");
    case "ambiguous":
      return new GatewayRetryableError(`query: ${outcome.message}`, { reason: outcome.reason, statusCode: outcome.statusCode, cause: outcome.cause });
    default:
      return assertNever(outcome);
  }
}

export function voidOutcomeError(outcome: VoidOutcome): GatewayOutcomeError | undefined {
  switch (outcome.kind) {
    case "voided":
    case "refused":
      return undefined;
    case "rejected":
      return rejectedError("void", outcome.code);
    case "retryable":
    case "ambiguous":
      return failureError(outcome, "void");
    default:
      return assertNever(outcome);
  }
}

export function refundOutcomeError(outcome: RefundOutcome): GatewayOutcomeError | undefined {
  switch (outcome.kind) {
    case "accepted":
    case "refused":
      return undefined;
    case "rejected":
      return rejectedError("refund", outcome.code);
    case "retryable":
    case "ambiguous":
      return failureError(outcome, "refund");
    default:
      return assertNever(outcome);
  }
}
