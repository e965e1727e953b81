import { type PayResult, type PaymentDetails, echoProblem, gatewayCodes, signedPayResult } from "@oceanpos/core/oceanpayment";
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

  const gateway = { code: details.code, message: details.message };
  const change = (to: TransitionChange["to"]): NoticeMove => ({
    kind: "transition",
    change: { to, source: "notice", ...(details.code === "" ? {} : { code: details.code }), set: { gateway, paymentId: notice.payment_id } },
  });
  switch (notice.payment_status) {
    case "1":
      return change("succeeded");
    case "0":
      // 20061: this order already succeeded once; the payer settles it by query. Never a failure.
      if (details.code === gatewayCodes.duplicateOrder) return { kind: "ignore", why: "duplicate order (20061)" };
      // 80102: the gateway closed the order on our void; its notice may beat the void's answer.
      return change(details.code === gatewayCodes.voided && (payment.status === "awaiting_customer" || payment.status === "pending") ? "voided" : "failed");
    default:
      // -1: the payment knows its attempt, so it is already past waiting for this news.
      return { kind: "unchanged", why: `pending notice while ${payment.status}` };
  }
}
