import { AppError } from "@oceanpos/core/errors";

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
