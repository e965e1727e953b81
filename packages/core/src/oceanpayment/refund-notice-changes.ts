import type { Payment } from "../payments/payment.js";
import { sameAmount } from "../payments/money.js";
import type { Refund } from "../refunds/refund.js";
import type { RefundChange } from "../refunds/refund-store.js";
import type { BusinessNotice } from "./response-schemas.js";
import { gatewayCodes, parsePaymentDetails } from "./gateway-codes.js";
import type { NoticeMismatch, StoreTerminal } from "./payment-changes.js";

/*
 * Business notices → changes: a sibling of `payment-changes.ts` (the one translation of gateway
 * answers into changes), kept in its own file so that the refund answers' mapping (applyRefund,
 * queryRefund) can grow next to it without touching this. The notifier only carries these
 * decisions out.
 */

/** Why a trusted-format business notice is not about the payment it names (a metric label). */
export type BusinessNoticeMismatch = NoticeMismatch | "attempt_mismatch";

/**
 * The first element of a business notice that is not the payment as we sent it, on its store's
 * account and terminal, or undefined. Every signed element but the notice's own (refund_number,
 * notice_type, push_id, push_status, push_details) is pinned here: the payment_id must be the
 * charge the payment knows (refunds and disputes are only about a charge).
 */
export function businessNoticeMismatch(notice: BusinessNotice, payment: Payment, store: StoreTerminal | undefined): BusinessNoticeMismatch | undefined {
  if (store === undefined || notice.account !== store.account || notice.terminal !== store.terminal) return "terminal_mismatch";
  if (notice.order_number !== payment.orderNumber) return "unknown_payment";
  if (notice.order_currency !== payment.currency) return "currency_mismatch";
  if (!sameAmount(notice.order_amount, payment.amount)) return "amount_mismatch";
  if (payment.paymentId === undefined || notice.payment_id !== payment.paymentId) return "attempt_mismatch";
  return undefined;
}

/** What a refund notice does to the refund it names. */
export type RefundNoticeDecision =
  /** Record this change (the refund store's compare-and-set still refuses what the state machine forbids). */
  | { action: "transition"; change: RefundChange }
  /** Not proof enough: the refund's query decides (the payer's refund reconciler runs it). */
  | { action: "query"; why: string }
  /** Not about this payment as we sent it. */
  | { action: "reject"; reason: BusinessNoticeMismatch }
  /** The refund is past that news. */
  | { action: "unchanged"; why: string };

/**
 * A refund notice (`refund` / `partialRefund`) whose formats hold, about `refund` of `payment`.
 * `verified`: its signValue matched the assumed sign string (`signatureFields.businessNotice`).
 * - it must echo the payment on its store's terminal, with the charge's payment_id;
 * - a final refund is past any news (a success for a `failed` one still goes to the store, which
 *   records the contradiction for a person, as for payments);
 * - an unverified notice, one for a refund that does not know its refund_id yet (its applyRefund
 *   answer was lost) or knows another, and a dispute (`push_status` 2) only ask for the refund's
 *   query: the sign string is a guess, and a query answer settles it either way;
 * - otherwise `1` with the approval code (80000) succeeds and `0` fails the refund (a success
 *   with another code, or none, is asked too). Every signed element before push_status is
 *   pinned (echoed, or matched: refund_number found the refund, push_id is its refund_id), and
 *   push_status sits between push_id's digits and push_details' `NNNNN:`, so a genuine notice
 *   cannot be shifted into another status.
 */
export function refundNoticeDecision(
  notice: BusinessNotice,
  refund: Refund,
  payment: Payment,
  store: StoreTerminal | undefined,
  verified: boolean,
): RefundNoticeDecision {
  const mismatch = businessNoticeMismatch(notice, payment, store);
  if (mismatch !== undefined) return { action: "reject", reason: mismatch };
  const success = notice.push_status === "1";
  if (refund.status === "succeeded" || (refund.status === "failed" && !success)) {
    return { action: "unchanged", why: `refund notice ${notice.push_status} while ${refund.status}` };
  }
  if (!verified) return { action: "query", why: "refund notice signature not verified (assumed sign string)" };
  if (refund.refundId === undefined) return { action: "query", why: "refund does not know its refund_id yet" };
  if (refund.refundId !== notice.push_id) return { action: "query", why: "notice for another refund_id" };
  const details = parsePaymentDetails(notice.push_details);
  const set = { gateway: { code: details.code, message: details.message }, refundId: notice.push_id };
  switch (notice.push_status) {
    case "1":
      // A success says so in the gateway's approval code, as the query answer does; anything else is asked.
      if (details.code !== gatewayCodes.approved) return { action: "query", why: "refund success without the approval code" };
      return { action: "transition", change: { to: "succeeded", source: "notice", code: details.code, set } };
    case "0":
      return { action: "transition", change: { to: "failed", source: "notice", code: details.code, set } };
    default:
      return { action: "query", why: "refund in dispute (push_status 2)" };
  }
}
