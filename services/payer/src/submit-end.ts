import { type WorkEnd, done, park, retry } from "@oceanpos/core/jobs";
import { GatewayPermanentError } from "@oceanpos/core/oceanpayment";
import type { NeedsReviewKind } from "@oceanpos/core/payments";
import { PaymentUnworkableError, errorSummary, isUnanswered } from "./errors.js";
import type { SettlementWindow, Submitted } from "./settlement-window.js";

/** How a submit run ends for its carrier (a BullMQ job or the submit feed): never `fail`, a person looks instead. */
export type SubmitRunEnd = Exclude<WorkEnd<string>, { end: "fail" }>;

/**
 * How a failed submit run ends: a {@link SubmitRunEnd}, or `review`: a person must look, which
 * the submit processor records on the payment (moving an `accepted` one to `submitting` first:
 * nothing was sent) before the run is done.
 */
export type SubmitEnd = SubmitRunEnd | { end: "review"; kind: NeedsReviewKind; reason: string; status: "accepted" | "submitting" };

/** What a submit sends (a payment, or a refund's applyRefund): its status, and when its submit began. */
export type Submittable = Submitted & { status: string };

/** A submit run that ended in an error, and what the decision may look at. */
export interface FailedSubmit<T extends Submittable = Submittable> {
  error: unknown;
  /** Runs of this submit that failed on an answer before this one (unanswered calls do not count). */
  attemptsMade: number;
  /** Such runs allowed in all. */
  attempts: number;
  /** The payment (or refund) as stored now; read only when the decision depends on it. */
  payment: () => Promise<T | undefined>;
  now: number;
  window: SettlementWindow;
  /** The wait before the gateway is asked again (`OutageBackoff.unanswered`); taken only for a park. */
  unansweredDelayMs: () => number;
}

/**
 * The gateway did not answer: park the run (no attempt used) while the payment is open and the
 * settlement window lasts, then ask a person. Any other error: retry while attempts remain, unless
 * it is permanent (a refused request, a payment that cannot be sent as stored); then ask a person.
 * Never a guessed `failed`. A payment that moved on meanwhile (pending, awaiting the customer,
 * final: a notice or a query got there) keeps that answer.
 */
export async function submitEndAfter<T extends Submittable>(failure: FailedSubmit<T>): Promise<SubmitEnd> {
  const { error, attemptsMade, attempts, now, window } = failure;
  if (isUnanswered(error)) {
    const payment = await failure.payment();
    if (!payment || !isOpen(payment)) return stands(payment, error);
    if (!window.expired(payment, now)) return park(failure.unansweredDelayMs());
    return review(payment, "unsettled", window.reason(payment, now, errorSummary(error)));
  }
  const permanent = error instanceof GatewayPermanentError || error instanceof PaymentUnworkableError;
  if (!permanent && attemptsMade + 1 < attempts) return retry(error);
  const kind = error instanceof PaymentUnworkableError ? "unworkable" : permanent ? "gateway_refused" : "attempts_exhausted";
  const reason = `${kind === "attempts_exhausted" ? `outcome unknown after ${attemptsMade + 1} attempts` : "cannot submit"}: ${errorSummary(error)}`;
  const payment = await failure.payment();
  if (!payment || !isOpen(payment)) return stands(payment, error);
  return review(payment, kind, reason);
}

type OpenPayment = Submittable & { status: "accepted" | "submitting" };

function isOpen(payment: Submittable): payment is OpenPayment {
  return payment.status === "accepted" || payment.status === "submitting";
}

/** Nothing to review: a payment that moved on keeps that answer; none at all (a read gone wrong?) is tried again. */
function stands(payment: Submittable | undefined, error: unknown): SubmitEnd {
  return payment ? done(payment.status) : retry(error);
}

function review(payment: OpenPayment, kind: NeedsReviewKind, reason: string): SubmitEnd {
  return { end: "review", kind, reason, status: payment.status };
}
