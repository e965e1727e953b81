import { sameAmount } from "../payments/money.js";
import type { Refund } from "../refunds/refund.js";
import type { RefundChange } from "../refunds/refund-store.js";
import type { RefundInput } from "./build-refund-form.js";
import type { PaymentDetails } from "./gateway-codes.js";
import { type DecisionOf, type GatewayDecision, gatewayOf } from "./gateway-decision.js";
import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { assertNever } from "./pay-outcome.js";
import type { OrderAnswer } from "./query-answer.js";
import type { QueryOutcome } from "./query-outcome.js";
import { type RefundResult, refundEchoProblem, refundFormats } from "./refund-fields.js";
import type { RefundOutcome } from "./refund-outcome.js";
import type { RefundQueryOutcome } from "./refund-query-outcome.js";

/**
 * The refunds' part of the one mapping from Oceanpayment's answers to our changes (see
 * `payment-changes.ts`, which re-exports it): the applyRefund answer, the queryRefund answer and a
 * payment query's `refundList` come in as the outcome the client read and leave as one
 * {@link RefundDecision}, with the payments' decision values. applyRefund has no idempotency key
 * at the gateway: whatever does not say plainly "filed" or "refused" is settled by a query, and
 * only a readable `refundList` without our refund number says it was never filed.
 */
export type RefundDecision = GatewayDecision<RefundChange>;

export type RefundDecisionOf<A extends RefundDecision["action"]> = DecisionOf<RefundDecision, A>;

/**
 * The `refund_type` sent for a refund of part of a charge: `full` (wire `1`), because
 * Oceanpayment's own example refunds part of a charge with `1`; `partial` (wire `2`) is
 * unconfirmed. The one place to change should Oceanpayment say otherwise.
 */
export const partialRefundType: RefundInput["refundType"] = "full";

/** The `refund_type` of a refund of `refundAmount` out of a payment of `paymentAmount`. */
export function refundTypeFor(paymentAmount: string, refundAmount: string): RefundInput["refundType"] {
  return sameAmount(paymentAmount, refundAmount) ? "full" : partialRefundType;
}

/**
 * An applyRefund answer. Filed (`refund_results` `1` with a refund_id in its format) makes the
 * refund `pending`: the money moves later, by notice or queryRefund. A refusal is a definite
 * failure (nothing was filed; the refund frees its amount). An ambiguous answer (time-out, reset,
 * 5xx, an unreadable or mismatched document) may have filed it: a query decides. No answer at all
 * (never sent) is asked again.
 */
export function refundAnswerDecision(outcome: RefundOutcome): RefundDecisionOf<"transition" | "query" | "unanswered"> {
  switch (outcome.kind) {
    case "accepted":
      if (!refundFormats.refund_id.test(outcome.refundId)) return { action: "query", why: "filed without a refund_id in its format" };
      return transition({ to: "pending", source: "payer", code: outcome.details.code, set: { refundId: outcome.refundId, gateway: gatewayOf(outcome.details) } });
    case "refused":
    case "rejected":
      return transition({ to: "failed", source: "payer", code: outcome.code, reason: "refund refused by the gateway", set: { gateway: gatewayOf(outcome.details) } });
    case "ambiguous":
      return { action: "query", why: `refund outcome uncertain (${outcome.reason})` };
    case "retryable":
      return { action: "unanswered", failure: outcome };
    default:
      return assertNever(outcome);
  }
}

/**
 * A queryRefund answer about `refund` (asked by its refund_id). Final results are adopted; a
 * pending one keeps the refund open (and records a `submitting` refund as filed).
 */
export function refundQueryDecision(refund: Refund, outcome: RefundQueryOutcome): RefundDecisionOf<"transition" | "open" | "refused" | "unanswered"> {
  return outcome.kind === "answered" ? resultDecision(refund, outcome.result, outcome.refundId, outcome.details) : notAnswered(outcome);
}

/**
 * The payment's query (`/service/check/normal`), asked about `refund` when no refund_id is known
 * (its applyRefund answer was lost): what the refunded attempt's `refundList` says
 * ({@link refundListDecision}).
 */
export function refundPaymentQueryDecision(refund: Refund, payment: { orderNumber: string; paymentId: string }, outcome: QueryOutcome): RefundDecisionOf<"transition" | "open" | "no_attempt" | "refused" | "unanswered"> {
  return outcome.kind === "answered" ? refundListDecision(refund, payment.paymentId, outcome.orders.get(payment.orderNumber)) : notAnswered(outcome);
}

/**
 * A payment query's answer read for `refund` (filed against the attempt `paymentId`): the
 * attempt's `refundList` entries with our refund number. One, whose amount is ours: adopted, its
 * refund_id learnt. None in a readable list: `no_attempt`, the refund was never filed. Anything
 * else (the order or attempt missing or unclear, an unreadable list, our number on another amount
 * or filed twice) says nothing certain: no answer, asked again later.
 */
export function refundListDecision(refund: Refund, paymentId: string, answer: OrderAnswer | undefined): RefundDecisionOf<"transition" | "open" | "no_attempt" | "unanswered"> {
  if (answer?.kind !== "attempts") return unclear(`the payment query says nothing usable about ${refund.orderNumber}`);
  const attempt = answer.attempts.find((a) => a.paymentId === paymentId);
  if (!attempt) return unclear(`the payment query does not show the refunded attempt ${paymentId}`);
  if (!attempt.refunds.readable) return unclear(attempt.refunds.problem);
  const ours = attempt.refunds.refunds.filter((listed) => listed.refundNumber === refund.refundNumber);
  const [only] = ours;
  if (!only) return { action: "no_attempt" };
  if (ours.length > 1) return unclear(`refund ${refund.refundNumber} is filed ${ours.length} times`, "mismatch");
  const wrong = refundEchoProblem({ refund_id: only.refundId, refund_number: only.refundNumber, refund_amount: only.amount, refund_status: "", refund_details: "" }, refund);
  if (wrong !== undefined) return unclear(`refundList entry of ${refund.refundNumber}: ${wrong} differs from the refund`, "mismatch", wrong);
  return resultDecision(refund, only.result, only.refundId, only.details);
}

/** What the gateway's result for the refund (a query, a refundList entry) records. */
function resultDecision(refund: Refund, result: RefundResult, refundId: string, details: PaymentDetails): RefundDecisionOf<"transition" | "open"> {
  const learnt = { refundId, gateway: gatewayOf(details) };
  switch (result) {
    case "succeeded":
    case "failed":
      return transition({ to: result, source: "query", code: details.code, set: learnt });
    case "pending":
      if (refund.status !== "submitting") return { action: "open" };
      return transition({ to: "pending", source: "query", ...(details.code === "" ? {} : { code: details.code }), set: { refundId } });
    default:
      return assertNever(result);
  }
}

/** A query refused as sent (200xx) is `refused`; no answer at all is `unanswered`. */
function notAnswered(outcome: { kind: "rejected"; code: string } | GatewayFailure): RefundDecisionOf<"refused" | "unanswered"> {
  return outcome.kind === "rejected" ? { action: "refused", code: outcome.code } : { action: "unanswered", failure: outcome };
}

function unclear(message: string, reason: AmbiguousFailure["reason"] = "unparseable", field?: string): RefundDecisionOf<"unanswered"> {
  return { action: "unanswered", failure: { kind: "ambiguous", reason, message, ...(field !== undefined ? { field } : {}) } };
}

function transition(change: RefundChange): RefundDecisionOf<"transition"> {
  return { action: "transition", change };
}
