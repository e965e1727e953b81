import { createHash } from "node:crypto";

/** The `paymentResult` signature field order (docs/oceanpayment-wire.md), then the secureCode. */
export const paymentResultFields = [
  "account",
  "terminal",
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
] as const;

export type NoticeFields = Record<(typeof paymentResultFields)[number], string> & { methods: string; pay_barCode: string };

/** sha256 hex of the values in field order then the secureCode; written apart from core's signer on purpose. */
export function signPaymentResult(fields: NoticeFields, secureCode: string): string {
  const hash = createHash("sha256");
  for (const name of paymentResultFields) hash.update(fields[name]);
  return hash.update(secureCode).digest("hex");
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A signed transaction notice as Oceanpayment posts it. */
export function noticeXml(fields: NoticeFields, secureCode: string): string {
  const signValue = signPaymentResult(fields, secureCode);
  const element = (name: string, value: string) => `  <${name}>${escapeXml(value)}</${name}>\n`;
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n';
  xml += element("account", fields.account) + element("terminal", fields.terminal) + element("signValue", signValue);
  for (const name of paymentResultFields.slice(2)) xml += element(name, fields[name]);
  xml += element("methods", fields.methods) + element("pay_barCode", fields.pay_barCode) + element("notice_type", "transaction");
  return `${xml}</response>`;
}

/** The success notice of a customer_scan payment (sandbox credentials by default). */
export function successNotice(p: { orderNumber: string; amount: string; currency: string; paymentId: string; method: string }, secureCode = "12345678"): string {
  return noticeXml(
    {
      account: "995149",
      terminal: "99514901",
      order_number: p.orderNumber,
      order_currency: p.currency,
      order_amount: p.amount,
      order_notes: "",
      card_number: "",
      payment_id: p.paymentId,
      payment_authType: "0",
      payment_status: "1",
      payment_details: "80000:Transaction Approved",
      payment_risk: "",
      methods: p.method,
      pay_barCode: "",
    },
    secureCode,
  );
}
