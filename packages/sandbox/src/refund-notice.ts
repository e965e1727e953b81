import { amountToCents } from "./field-rules.js";
import type { Refund, RefundStatus } from "./ledger.js";
import { formatDateTime } from "./payment-ids.js";
import { details } from "./result-codes.js";
import { corruptSignature, signDocument } from "./signature.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/**
 * The refund notice ("business order notification") Oceanpayment posts to the payment's noticeUrl.
 * Elements: the published list (Oceanpayment's notice element table, NTF; docs/oceanpayment-wire.md), in that order. Not published and
 * assumed here: the sign string (`refundNotice` in signature-orders.ts), the element order, and
 * the values the list leaves open (below). Empty elements written `<a></a>`, as the F2F notices.
 */
export const refundNoticeElements = [
  "account",
  "terminal",
  "signValue",
  "payment_dateTime",
  "payment_debitTime",
  "push_dateTime",
  "order_number",
  "order_currency",
  "order_amount",
  "order_notes",
  "card_type",
  "card_country",
  "payment_id",
  "refund_number",
  "refund_reference",
  "notice_type",
  "push_status",
  "push_details",
  "push_id",
  "payment_cpdTime",
] as const;

/**
 * `-1` pending, `0` failed, `1` succeeded: queryRefund's `refund_status` and the notices'
 * `push_status` (published: 0 failed, 1 succeeded; a pending refund sends no notice).
 */
export function refundStatusCode(status: RefundStatus): "-1" | "0" | "1" {
  switch (status) {
    case "pending":
      return "-1";
    case "succeeded":
      return "1";
    case "failed":
      return "0";
    default: {
      const never: never = status;
      throw new Error(`unknown refund status ${String(never)}`);
    }
  }
}

/**
 * *(assumed rule)* `refund` when this one refund returns the whole charge, `partialRefund` when it
 * returns part of it (several partial refunds that add up to the charge are each `partialRefund`).
 */
export function noticeTypeOf(refund: Refund): "refund" | "partialRefund" {
  return refund.cents === amountToCents(refund.attempt.amount) ? "refund" : "partialRefund";
}

/**
 * The signed notice of a final refund. `payment_dateTime` / `payment_debitTime` are the refunded
 * attempt's (as in its query answer), `push_id` is the refund_id; `refund_reference`,
 * `payment_cpdTime`, `card_type` and `card_country` are sent empty (their meaning for a wallet
 * refund is not published).
 */
export function renderRefundNotice(refund: Refund, options: { secureCode: string | undefined; pushedAt: string; corruptSignature: boolean }): string {
  const { attempt } = refund;
  const values: Record<string, string> = {
    account: attempt.order.account,
    terminal: attempt.order.terminal,
    payment_dateTime: formatDateTime(attempt.createdAt),
    payment_debitTime: formatDateTime(attempt.updatedAt),
    push_dateTime: options.pushedAt,
    order_number: attempt.order.orderNumber,
    order_currency: attempt.currency,
    order_amount: attempt.amount,
    order_notes: attempt.notes,
    payment_id: attempt.paymentId,
    refund_number: refund.refundNumber,
    notice_type: noticeTypeOf(refund),
    push_status: refundStatusCode(refund.status),
    push_details: refund.result ? details(refund.result) : "",
    push_id: refund.refundId,
  };
  let signValue = options.secureCode === undefined ? "" : signDocument("refundNotice", values, options.secureCode);
  if (options.corruptSignature) signValue = corruptSignature(signValue);
  values.signValue = signValue;
  const nodes: XmlNode[] = refundNoticeElements.map((name) => [name, values[name] ?? ""]);
  return xmlDocument("response", nodes);
}
