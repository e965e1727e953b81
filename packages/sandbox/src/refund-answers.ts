import { centsToAmount, type FormFields } from "./field-rules.js";
import type { Attempt, Refund } from "./ledger.js";
import { formatDateTime } from "./payment-ids.js";
import { refundStatusCode } from "./refund-notice.js";
import { type ResultCode, details } from "./result-codes.js";
import { corruptSignature, signDocument } from "./signature.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/**
 * The refund documents Oceanpayment does not publish, each *(assumed)* here and nowhere else: the
 * applyRefund answer, the queryRefund answer and the `refundList` of a query answer's paymentInfo.
 * Amounts are written with the currency's decimals (`0.1` filed → `0.10`).
 */

/**
 * applyRefund's answer, unsigned: `refund_results` `1` filed (not yet paid out: the money moves
 * `SANDBOX_REFUND_MS` later, by notice and in queryRefund), `0` refused; `refund_details`
 * `code:text` (`80000:Transaction Approved` when filed). `refund_number` echoes the request.
 */
export function refundResponse(fields: FormFields, refundId: string, result: ResultCode): string {
  return xmlDocument("response", [
    ["account", fields.account ?? ""],
    ["terminal", fields.terminal ?? ""],
    ["payment_id", fields.payment_id ?? ""],
    ["refund_number", fields.refund_number ?? ""],
    ["refund_id", refundId],
    ["refund_results", refundId === "" ? "0" : "1"],
    ["refund_details", details(result)],
  ]);
}

const when = (refund: Refund) => ({
  refund_dateTime: formatDateTime(refund.createdAt),
  // When it became final; empty while pending (like payment_debitTime).
  refund_debitTime: refund.status === "pending" ? "" : formatDateTime(refund.updatedAt),
});

/** The queryRefund answer elements, in this order. */
export const refundQueryElements = [
  "account",
  "terminal",
  "signValue",
  "order_number",
  "payment_id",
  "refund_id",
  "refund_number",
  "refund_type",
  "refund_amount",
  "refund_currency",
  "refund_description",
  "refund_status",
  "refund_details",
  "refund_dateTime",
  "refund_debitTime",
] as const;

/**
 * One refund as queryRefund answers it, signed with the `refundQueryAnswer` order. `refund_status`
 * `-1` pending, `0` failed, `1` succeeded; `refund_details` empty while pending, else `code:text`.
 * A refused query is `queryRefusal` (query-answer.ts), the check/normal refusal.
 */
export function refundQueryAnswer(refund: Refund, secureCode: string, corrupt: boolean): string {
  const { attempt } = refund;
  const values: Record<string, string> = {
    account: attempt.order.account,
    terminal: attempt.order.terminal,
    order_number: attempt.order.orderNumber,
    payment_id: attempt.paymentId,
    refund_id: refund.refundId,
    refund_number: refund.refundNumber,
    refund_type: refund.type,
    refund_amount: centsToAmount(refund.cents, attempt.currency),
    refund_currency: attempt.currency,
    refund_description: refund.description,
    refund_status: refundStatusCode(refund.status),
    refund_details: refund.result ? details(refund.result) : "",
    ...when(refund),
  };
  const signValue = signDocument("refundQueryAnswer", values, secureCode);
  values.signValue = corrupt ? corruptSignature(signValue) : signValue;
  return xmlDocument("response", refundQueryElements.map((name): XmlNode => [name, values[name] ?? ""]));
}

/**
 * A query answer's `refundList`: one `refundInfo` per refund filed against the attempt, oldest
 * first, whatever its status (so a client that got no refund_id back can find its refund_number);
 * empty (`<refundList />`, as in the sample) when there is none. Not covered by any signature.
 */
export function refundList(attempt: Attempt): XmlNode {
  if (attempt.refunds.length === 0) return ["refundList", ""];
  return [
    "refundList",
    attempt.refunds.map((refund): XmlNode => [
      "refundInfo",
      [
        ["refund_id", refund.refundId],
        ["refund_number", refund.refundNumber],
        ["refund_type", refund.type],
        ["refund_amount", centsToAmount(refund.cents, attempt.currency)],
        ["refund_status", refundStatusCode(refund.status)],
        ["refund_details", refund.result ? details(refund.result) : ""],
        ["refund_dateTime", when(refund).refund_dateTime],
      ],
    ]),
  ];
}
