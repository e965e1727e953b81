import type { Payment, TransitionSource } from "../payments/payment.js";
import { isFinal } from "../payments/payment-status.js";
import type { TransitionChange } from "../payments/payment-store.js";
import { gatewayCodes, type PaymentDetails } from "./gateway-codes.js";
import { type DecisionOf, type GatewayDecision, gatewayOf } from "./gateway-decision.js";
import { signedPayResult } from "./parse-pay-result.js";
import { assertNever, type PayOutcome } from "./pay-outcome.js";
import type { PayResult } from "./response-schemas.js";
import type { Settlement } from "./query-outcome.js";
import { echoProblem, isPlainApproval, type SentOrder } from "./result-fields.js";
import type { VoidOutcome } from "./void-outcome.js";

/**
 * The one translation from Oceanpayment's answers to a change of our payment, as Hyperswitch keeps
 * each connector's codes in one `transformers.rs`: every answer (the pay answer, the query's
 * settlement, the transaction notice, the void answer; refunds next) comes in as the typed outcome
 * the client read, and leaves as one {@link PaymentDecision}. Nothing else reads a gateway status or
 * code to move a payment, and the payment domain (`payments/`) never reads the protocol. Callers
 * only carry a decision out: record the change, query, ask again later. Refunds: the same
 * decision values ({@link GatewayDecision}) from `refund-changes.ts`, re-exported below.
 */
export type PaymentDecision = GatewayDecision<TransitionChange, NoticeMismatch>;

export type PaymentDecisionOf<A extends PaymentDecision["action"]> = DecisionOf<PaymentDecision, A>;

/** History reason when a void loses the race against the customer's payment. */
export const voidRacedSuccess = "void raced a success";

/**
 * The order as the payer sends it (`order_notes` is the payment's notes, `""` when none): what
 * every pay answer, notice and query answer about it must echo.
 */
export function sentOrderOf(payment: Pick<Payment, "orderNumber" | "currency" | "amount" | "notes">): SentOrder {
  return { orderNumber: payment.orderNumber, currency: payment.currency, amount: payment.amount, notes: payment.notes ?? "" };
}

/**
 * A `directservice/pay` answer. Only a definite result moves the payment (the request refused as
 * sent is a definite failure); 20061 and an ambiguous answer are settled by a query; no answer at
 * all is asked again. A customer scan's barCode is learnt with `awaiting_customer`.
 */
export function payAnswerDecision(outcome: PayOutcome): PaymentDecisionOf<"transition" | "query" | "unanswered"> {
  switch (outcome.kind) {
    case "succeeded":
    case "failed":
    case "pending": {
      const set = outcome.paymentId === "" ? { gateway: gatewayOf(outcome.details) } : { paymentId: outcome.paymentId, gateway: gatewayOf(outcome.details) };
      return transition({ to: outcome.kind, source: "payer", code: outcome.details.code, set });
    }
    case "awaiting_customer": {
      const set = { paymentId: outcome.paymentId, barCode: outcome.barCode, gateway: gatewayOf(outcome.details) };
      return transition({ to: "awaiting_customer", source: "payer", code: outcome.details.code, set });
    }
    case "rejected":
      return transition({ to: "failed", source: "payer", code: outcome.code, reason: "request refused by the gateway", set: { gateway: gatewayOf(outcome.details) } });
    case "duplicate_order":
    case "ambiguous":
      return { action: "query", why: outcome.kind };
    case "retryable":
      return { action: "unanswered", failure: outcome };
    default:
      return assertNever(outcome);
  }
}

/**
 * The gateway's view of an order (a query's `settle(attempts)`), adopted. Any successful attempt
 * wins (a charge was taken); a voided attempt ends an offline payment as `voided`; otherwise the
 * newest failure is final; a pending attempt keeps the payment open (and moves a `submitting` one
 * to the status it waits in, with its barCode for a customer scan). `source` says who asked: a
 * query made for a void that finds a success records why the void lost.
 */
export function settlementDecision(payment: Payment, settlement: Settlement, source: TransitionSource): PaymentDecisionOf<"transition" | "open" | "no_attempt"> {
  switch (settlement.status) {
    case "succeeded": {
      const { attempt } = settlement;
      const set = { paymentId: attempt.paymentId, gateway: gatewayOf(attempt.details) };
      return transition({ to: "succeeded", source, code: attempt.details.code, ...(source === "void" ? { reason: voidRacedSuccess } : {}), set });
    }
    case "failed": {
      const { attempt } = settlement;
      const set: TransitionChange["set"] = { gateway: gatewayOf(attempt.details) };
      if (attempt.paymentId !== "") set.paymentId = attempt.paymentId;
      return transition({ to: failureStatus(payment, attempt.details.code), source, code: attempt.details.code, set });
    }
    case "pending": {
      if (payment.status !== "submitting") return { action: "open" };
      const { attempt } = settlement;
      const gateway = gatewayOf(attempt.details);
      if (payment.mode === "customer_scan" && attempt.barCode !== "") {
        return transition({ to: "awaiting_customer", source, code: attempt.details.code, set: { paymentId: attempt.paymentId, barCode: attempt.barCode, gateway } });
      }
      return transition({ to: "pending", source, code: attempt.details.code, set: { paymentId: attempt.paymentId, gateway } });
    }
    case "no_attempt":
      return { action: "no_attempt" };
    default:
      return assertNever(settlement);
  }
}

/**
 * A void (`payment_authType=3`) answer. Only the gateway's confirmation voids the payment; a
 * refusal (20070: the order was paid) and an ambiguous answer are settled by a query, where a
 * success wins over the void.
 */
export function voidAnswerDecision(outcome: VoidOutcome): PaymentDecisionOf<"transition" | "query" | "unanswered" | "refused"> {
  switch (outcome.kind) {
    case "voided":
      return transition({ to: "voided", source: "void", code: outcome.details.code, set: { gateway: gatewayOf(outcome.details) } });
    case "refused":
      return { action: "query", why: outcome.code === gatewayCodes.alreadyPaid ? "void refused: the order was paid" : `void refused (${outcome.code})` };
    case "ambiguous":
      return { action: "query", why: `void outcome uncertain (${outcome.reason})` };
    case "rejected":
      return { action: "refused", code: outcome.code };
    case "retryable":
      return { action: "unanswered", failure: outcome };
    default:
      return assertNever(outcome);
  }
}

/** Why a trusted notice is not about the payment it names, as we sent it (a metric label). */
export type NoticeMismatch = "terminal_mismatch" | "amount_mismatch" | "currency_mismatch" | "notes_mismatch" | "unknown_payment";

/** The account and terminal of the payment's store, as configured (undefined: store not configured). */
export interface StoreTerminal {
  account: string;
  terminal: string;
}

/**
 * A transaction notice whose formats hold and whose signature verifies, about `payment`. The
 * rules that keep a genuine document, shifted or replayed, from moving money:
 * - it must echo the order as we sent it, on the account and terminal of the payment's store;
 * - it moves a payment only when it carries the payment_id the payment already knows (learnt from
 *   the gateway's own pay answer or a query). A payment that does not know one yet (`accepted`,
 *   `submitting`, an unknown outcome in review) or knows another is never moved by a notice: the
 *   notice only asks for a query, which the running submit or the payer's reconciler makes.
 * - the payment_id is not a secret (the store's own API shows it), so that is not enough: only a
 *   plain approval (`isPlainApproval`: nothing signed after the published approval text) moves a
 *   payment by itself. An attacker who knows the payment_id can have the gateway sign a rejection
 *   whose notes (theirs to choose) hold `<payment_id>01` + an approval, then shift it into a
 *   success; its tail (the rejection's own code and text) is still signed after the approval.
 *   Any other success, and every failure (a wrongly failed payment gets paid twice), is
 *   confirmed by a query first. The customer_scan success, the hot path, stays one step.
 * - a success for a payment held as `failed` or `voided` goes to the store, which records it as a
 *   contradiction for a person (`needs_review`); nothing else moves a final payment.
 * `details` is the notice's parsed `payment_details`.
 */
export function noticeDecision(
  notice: PayResult,
  details: PaymentDetails,
  payment: Payment,
  store: StoreTerminal | undefined,
): PaymentDecisionOf<"transition" | "query" | "reject" | "ignore" | "unchanged"> {
  const mismatch = noticeMismatch(notice, payment, store);
  if (mismatch !== undefined) return { action: "reject", reason: mismatch };
  const success = notice.payment_status === "1";
  if (payment.status === "succeeded" || (isFinal(payment.status) && !success)) {
    return { action: "unchanged", why: `notice ${notice.payment_status} while ${payment.status}` };
  }
  if (payment.paymentId === undefined) return { action: "query", why: "payment does not know its payment_id yet" };
  if (payment.paymentId !== notice.payment_id) return { action: "query", why: "notice for another attempt" };

  switch (notice.payment_status) {
    case "1": {
      if (!isPlainApproval(signedPayResult(notice))) return { action: "query", why: "success with text signed after the approval" };
      return transition({ to: "succeeded", source: "notice", code: details.code, set: { gateway: gatewayOf(details), paymentId: notice.payment_id } });
    }
    case "0":
      // 20061: this order already succeeded once; the payer settles it by query. Never a failure.
      if (details.code === gatewayCodes.duplicateOrder) return { action: "ignore", why: "duplicate order (20061)" };
      // A failure (a void's 80102 too) is confirmed by a query: the payer's void answer and the
      // reconciler record it, from documents no notice sender can shape.
      return { action: "query", why: "a failure is confirmed by query" };
    default:
      // -1: the payment knows its attempt, so it is already past waiting for this news.
      return { action: "unchanged", why: `pending notice while ${payment.status}` };
  }
}

function noticeMismatch(notice: PayResult, payment: Payment, store: StoreTerminal | undefined): NoticeMismatch | undefined {
  if (store === undefined) return "terminal_mismatch";
  const field = echoProblem(signedPayResult(notice), { account: store.account, terminal: store.terminal, ...sentOrderOf(payment) });
  switch (field) {
    case undefined:
      return undefined;
    case "account":
    case "terminal":
      return "terminal_mismatch";
    case "order_amount":
      return "amount_mismatch";
    case "order_currency":
      return "currency_mismatch";
    case "order_notes":
      return "notes_mismatch";
    default:
      // order_number: the payment was found by it, so this cannot differ.
      return "unknown_payment";
  }
}

/**
 * The status a failed attempt ends the payment in: `voided` when it is the void's confirmation
 * code (80102, assumed) on a payment a void may end (`pending`, `awaiting_customer`), else `failed`.
 */
function failureStatus(payment: Payment, code: string): "voided" | "failed" {
  const voidable = payment.status === "pending" || payment.status === "awaiting_customer";
  return code === gatewayCodes.voided && voidable ? "voided" : "failed";
}

function transition(change: TransitionChange): PaymentDecisionOf<"transition"> {
  return { action: "transition", change };
}

// Refunds (the payer's applyRefund, queryRefund and refundList answers): refund-changes.ts.
export * from "./refund-changes.js";
