import { AppError } from "@oceanpos/core/errors";
import { GatewayAmbiguousError, GatewayRetryableError } from "@oceanpos/core/oceanpayment";

/**
 * The outcome of a payment is not established yet (e.g. an ambiguous send that a query does not
 * show yet). The job is retried; its next run queries first.
 */
export class OutcomeUnsettledError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("outcome_unsettled", message, options);
  }
}

/** A payment cannot be worked on as stored (unknown store, missing wallet code): a person must look. */
export class PaymentUnworkableError extends AppError {
  constructor(message: string) {
    super("payment_unworkable", message);
  }
}

/** The message of an error safe for logs and history: gateway outcome errors never carry secrets. */
export function errorSummary(error: unknown): string {
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A gateway call that got no usable answer (not sent, 5xx, 429, reset, time-out, unparseable):
 * it tells nothing about the payment, so it never uses up the payment's attempts; the call is made
 * again after an `OutageBackoff` wait. A refusal (`GatewayPermanentError`) is an answer.
 */
export function isUnanswered(error: unknown): boolean {
  return error instanceof GatewayRetryableError || error instanceof GatewayAmbiguousError;
}
