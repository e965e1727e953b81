import { type Attempt, refundCents } from "./ledger.js";
import { formatDateTime } from "./payment-ids.js";
import { paymentStatusOf } from "./payment-result.js";
import { refundList } from "./refund-answers.js";
import { type ResultCode, details } from "./result-codes.js";
import { corruptSignature, signDocument } from "./signature.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/**
 * The answer of `/service/check/normal` in Oceanpayment's published shape (query-answer.xml):
 * `<response>` holding one `<paymentInfo>` per attempt, each with its own account, terminal and
 * signValue, every element of the sample in the sample's order, empty ones written `<x />` as
 * there. What the sample does not settle is assumed, each in one named place below.
 */
export const paymentInfoElements = [
  "account",
  "terminal",
  "signValue",
  "order_number",
  "order_currency",
  "order_amount",
  "order_sourceUrl",
  "order_notes",
  "methods",
  "payment_id",
  "payment_results",
  "payment_details",
  "payment_risk",
  "payment_authCode",
  "payment_eci",
  "payment_dateTime",
  "auth_status",
  "payment_debitTime",
  "pay_barCode",
  "refund_status",
  "refundList",
  "chargeBack_status",
  "chargeBackList",
  "duplicate_status",
  "transactionList",
  "update_status",
] as const;

/** The sample's one nested element (card network tokens): sent, empty, so readers must tolerate it. */
const networkToken: XmlNode = ["networkToken", [["create_status", ""], ["recurring_type", ""]]];

type InfoValues = Partial<Record<(typeof paymentInfoElements)[number], string>>;

function paymentInfo(values: InfoValues, refunds: XmlNode = ["refundList", ""]): XmlNode {
  const elements = paymentInfoElements.map((name): XmlNode => (name === "refundList" ? refunds : [name, values[name] ?? ""]));
  return ["paymentInfo", [...elements, networkToken]];
}

/**
 * One attempt, signed with the `queryAnswer` order *(assumed sign string)*. `payment_dateTime` is
 * when the attempt was made, `payment_debitTime` when it became final (empty while open);
 * `refund_status` `1` once a refund of it succeeded *(assumed value)*; `refundList` every refund
 * filed against it (`refundList` in refund-answers.ts).
 */
export function attemptInfo(attempt: Attempt, secureCode: string, corrupt: boolean): XmlNode {
  const open = attempt.status === "pending" || attempt.status === "awaiting_customer";
  const values: InfoValues = {
    account: attempt.order.account,
    terminal: attempt.order.terminal,
    order_number: attempt.order.orderNumber,
    order_currency: attempt.currency,
    order_amount: attempt.amount,
    order_notes: attempt.notes,
    methods: attempt.method,
    payment_id: attempt.paymentId,
    payment_results: paymentStatusOf(attempt.status),
    payment_details: attempt.result ? details(attempt.result) : "",
    payment_dateTime: formatDateTime(attempt.createdAt),
    auth_status: "0",
    payment_debitTime: open ? "" : formatDateTime(attempt.updatedAt),
    pay_barCode: attempt.barCode,
    refund_status: refundCents(attempt, ["succeeded"]) > 0 ? "1" : "0",
    chargeBack_status: "0",
    duplicate_status: "0",
    update_status: "0",
  };
  const signValue = signDocument("queryAnswer", values, secureCode);
  return paymentInfo({ ...values, signValue: corrupt ? corruptSignature(signValue) : signValue }, refundList(attempt));
}

/**
 * *(assumed)* "No attempt" (Oceanpayment publishes nothing for it): one paymentInfo with the asked
 * order_number, account and terminal, every attempt field empty, unsigned (empty signValue).
 */
export function noAttemptInfo(account: string, terminal: string, orderNumber: string): XmlNode {
  return paymentInfo({ account, terminal, order_number: orderNumber });
}

/** The whole answer: the paymentInfo elements of every order asked, in request order. */
export function queryAnswer(infos: readonly XmlNode[]): string {
  return xmlDocument("response", infos, "selfClosing");
}

/** *(assumed)* A refused query (credentials, signature, order numbers): status 0 and `code:text`. */
export function queryRefusal(result: ResultCode): string {
  return xmlDocument("response", [
    ["query_status", "0"],
    ["query_details", details(result)],
  ]);
}
