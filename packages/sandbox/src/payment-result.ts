import { sign } from "@oceanpos/core/oceanpayment";
import type { Attempt, AttemptStatus } from "./ledger.js";
import type { FormFields } from "./field-rules.js";
import { type ResultCode, details } from "./result-codes.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/** The fields of a pay response or transaction notice (signed with the `paymentResult` order). */
export interface PaymentResultFields {
  account: string;
  terminal: string;
  order_number: string;
  order_currency: string;
  order_amount: string;
  order_notes: string;
  card_number: string;
  payment_id: string;
  payment_authType: string;
  payment_status: string;
  payment_details: string;
  payment_risk: string;
  methods: string;
  pay_barCode: string;
}

// Element order of docs/oceanpayment-wire.md; signValue sits right after terminal.
const elementOrder = [
  "account",
  "terminal",
  "signValue",
  "order_number",
  "order_currency",
  "order_amount",
  "order_notes",
  "card_number",
  "payment_id",
  "payment_authType",
  "payment_status",
  "payment_details",
  "payment_risk",
  "methods",
  "pay_barCode",
] as const;

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
    order_number: attempt.order.orderNumber,
    order_currency: attempt.currency,
    order_amount: attempt.amount,
    order_notes: attempt.notes,
    card_number: "",
    payment_id: attempt.paymentId,
    payment_authType: "0",
    payment_status: paymentStatusOf(attempt.status),
    payment_details: details(attempt.result),
    payment_risk: "",
    methods: attempt.method,
    pay_barCode: attempt.barCode,
  };
}

/** A refused request (validation, signature, duplicate): the request echoed, no payment_id. */
export function rejectionFields(request: FormFields, result: ResultCode): PaymentResultFields {
  return {
    account: request.account ?? "",
    terminal: request.terminal ?? "",
    order_number: request.order_number ?? "",
    order_currency: request.order_currency ?? "",
    order_amount: request.order_amount ?? "",
    order_notes: request.order_notes ?? "",
    card_number: "",
    payment_id: "",
    payment_authType: "0",
    payment_status: "0",
    payment_details: details(result),
    payment_risk: "",
    methods: request.methods ?? "",
    pay_barCode: "",
  };
}

export interface RenderOptions {
  /** Unknown terminal: nothing to sign with, so signValue is left empty. */
  secureCode: string | undefined;
  /** Fault injection: a signValue that will not verify. */
  corruptSignature?: boolean;
  /** Notices carry `<notice_type>transaction</notice_type>` (not signed). */
  notice?: boolean;
}

/** The signed `<response>` document of a pay response or a transaction notice. */
export function renderPaymentResult(fields: PaymentResultFields, options: RenderOptions): string {
  let signValue = options.secureCode === undefined ? "" : sign("paymentResult", { ...fields }, options.secureCode);
  if (options.corruptSignature) signValue = corrupt(signValue);
  const values: Record<(typeof elementOrder)[number], string> = { ...fields, signValue };
  const nodes: XmlNode[] = elementOrder.map((name) => [name, values[name]]);
  if (options.notice) nodes.push(["notice_type", "transaction"]);
  return xmlDocument("response", nodes);
}

/** Flips the last hex digit: still 64 lowercase hex characters, so only verification exposes it. */
function corrupt(signValue: string): string {
  if (signValue === "") return "0".repeat(64);
  return signValue.slice(0, -1) + (signValue.endsWith("0") ? "1" : "0");
}
