import type { FormFields } from "./field-rules.js";
import type { Attempt, AttemptStatus } from "./ledger.js";
import { type ResultCode, details } from "./result-codes.js";
import { corruptSignature, signDocument } from "./signature.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/**
 * The transaction document: the synchronous pay answer and the notice alike. Elements and their
 * order are those of the face-to-face spec's sample notice; the spec's only sample of the
 * synchronous answer (the customer-scan one whose pay_barCode becomes the QR) is that same
 * document, notice_type and push_dateTime included, so the answer carries them too. Signed with
 * the `paymentResult` order.
 */
export const paymentResultElements = [
  "notice_type",
  "push_dateTime",
  "account",
  "terminal",
  "signValue",
  "methods",
  "order_number",
  "card_country",
  "order_currency",
  "order_amount",
  "order_notes",
  "card_number",
  "card_type",
  "payment_country",
  "payment_id",
  "payment_authType",
  "payment_status",
  "payment_details",
  "payment_solutions",
  "payment_risk",
  "payment_amount",
  "payment_exchangeRate",
  "customer_id",
  "subscribe",
  "pay_bankCode",
  "pay_barCode",
  "pay_userId",
] as const;

/** What varies between documents; every other element is sent empty (card fields, risk, …). */
export interface PaymentResultFields {
  account: string;
  terminal: string;
  methods: string;
  order_number: string;
  order_currency: string;
  order_amount: string;
  order_notes: string;
  payment_id: string;
  payment_status: "-1" | "0" | "1";
  /** Empty while pending, as in the spec's pending sample; `code:text` once final or refused. */
  payment_details: string;
  pay_barCode: string;
}

export function paymentStatusOf(status: AttemptStatus): "-1" | "0" | "1" {
  switch (status) {
    case "awaiting_customer":
    case "pending":
      return "-1";
    case "succeeded":
      return "1";
    case "failed":
    case "voided":
      return "0";
    default: {
      const never: never = status;
      throw new Error(`unknown attempt status ${String(never)}`);
    }
  }
}

/** An attempt as it stands now. */
export function attemptFields(attempt: Attempt): PaymentResultFields {
  return {
    account: attempt.order.account,
    terminal: attempt.order.terminal,
    methods: attempt.method,
    order_number: attempt.order.orderNumber,
    order_currency: attempt.currency,
    order_amount: attempt.amount,
    order_notes: attempt.notes,
    payment_id: attempt.paymentId,
    payment_status: paymentStatusOf(attempt.status),
    payment_details: attempt.result ? details(attempt.result) : "",
    pay_barCode: attempt.barCode,
  };
}

/** A refused request (validation, signature, duplicate): the request echoed, no payment_id. */
export function rejectionFields(request: FormFields, result: ResultCode): PaymentResultFields {
  return {
    account: request.account ?? "",
    terminal: request.terminal ?? "",
    methods: request.methods ?? "",
    order_number: request.order_number ?? "",
    order_currency: request.order_currency ?? "",
    order_amount: request.order_amount ?? "",
    order_notes: request.order_notes ?? "",
    payment_id: "",
    payment_status: "0",
    payment_details: details(result),
    pay_barCode: "",
  };
}

export interface RenderOptions {
  /** Unknown terminal: nothing to sign with, so signValue is left empty. */
  secureCode: string | undefined;
  /** `push_dateTime`, `YYYY-MM-DD HH:mm:ss` in the gateway's zone. */
  pushedAt: string;
  /** Fault injection: a signValue that will not verify. */
  corruptSignature?: boolean;
}

/** The signed `<response>` document of a pay answer or a transaction notice. */
export function renderPaymentResult(fields: PaymentResultFields, options: RenderOptions): string {
  const values: Record<string, string> = { notice_type: "transaction", push_dateTime: options.pushedAt, payment_authType: "0", ...fields };
  let signValue = options.secureCode === undefined ? "" : signDocument("paymentResult", values, options.secureCode);
  if (options.corruptSignature) signValue = corruptSignature(signValue);
  values.signValue = signValue;
  const nodes: XmlNode[] = paymentResultElements.map((name) => [name, values[name] ?? ""]);
  return xmlDocument("response", nodes);
}
