import { type PayResult, type PaymentDetails, echoProblem, gatewayCodes, isPlainApproval, signedPayResult } from "@oceanpos/core/oceanpayment";
import { type Payment, type TransitionChange, isFinal, sentOrderOf } from "@oceanpos/core/payments";
import type { NoticeRejectReason } from "../metrics.js";

/**
 * What a trusted notice (formats hold, signature verifies) may do to the payment it names. The
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
 */
export type NoticeMove =
  | { kind: "transition"; change: TransitionChange }
  | { kind: "query"; why: string }
  | { kind: "ignore"; why: string }
  | { kind: "unchanged"; why: string };

/** Terminal credentials of the payment's store, as configured (undefined: store not configured). */
export interface StoreTerminal {
  account: string;
  terminal: string;
}

/** Why a trusted notice is not about this payment as we sent it, or undefined when it is. */
export function matchNotice(notice: PayResult, payment: Payment, store: StoreTerminal | undefined): NoticeRejectReason | undefined {
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

/** The move a matching notice asks for (`details`: its parsed `payment_details`). */
export function noticeMove(notice: PayResult, payment: Payment, details: PaymentDetails): NoticeMove {
  const success = notice.payment_status === "1";
  if (payment.status === "succeeded" || (isFinal(payment.status) && !success)) {
    return { kind: "unchanged", why: `notice ${notice.payment_status} while ${payment.status}` };
  }
  if (payment.paymentId === undefined) return { kind: "query", why: "payment does not know its payment_id yet" };
  if (payment.paymentId !== notice.payment_id) return { kind: "query", why: "notice for another attempt" };

  switch (notice.payment_status) {
    case "1": {
      if (!isPlainApproval(signedPayResult(notice))) return { kind: "query", why: "success with text signed after the approval" };
      const gateway = { code: details.code, message: details.message };
      return { kind: "transition", change: { to: "succeeded", source: "notice", code: details.code, set: { gateway, paymentId: notice.payment_id } } };
    }
    case "0":
      // 20061: this order already succeeded once; the payer settles it by query. Never a failure.
      if (details.code === gatewayCodes.duplicateOrder) return { kind: "ignore", why: "duplicate order (20061)" };
      // A failure (a void's 80102 too) is confirmed by a query: the payer's void answer and the
      // reconciler record it, from documents no notice sender can shape.
      return { kind: "query", why: "a failure is confirmed by query" };
    default:
      // -1: the payment knows its attempt, so it is already past waiting for this news.
      return { kind: "unchanged", why: `pending notice while ${payment.status}` };
  }
}
