import { createHash } from "node:crypto";

/** The `paymentResult` signing order, restated here from shared/oceanpayment.md (not imported from core). */
const paymentResultOrder = [
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
];

export type NoticeFields = Record<string, string>;

export function noticeFields(overrides: NoticeFields): NoticeFields {
  return {
    account: "995149",
    terminal: "99514901",
    order_number: "NO1",
    order_currency: "USD",
    order_amount: "12.50",
    order_notes: "",
    card_number: "",
    payment_id: "240506101548268260914",
    payment_authType: "0",
    payment_status: "1",
    payment_details: "80000:Transaction Approved",
    payment_risk: "",
    methods: "WeChatPay_Offline",
    pay_barCode: "",
    notice_type: "transaction",
    ...overrides,
  };
}

export function signNotice(fields: NoticeFields, secureCode: string): string {
  const text = paymentResultOrder.map((k) => fields[k] ?? "").join("") + secureCode;
  return createHash("sha256").update(text, "utf8").digest("hex");
}

const escape = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A signed notice document; `signValue` in `fields` overrides the computed one (forgeries). */
export function noticeXml(fields: NoticeFields, secureCode = "12345678"): string {
  const signValue = fields.signValue ?? signNotice(fields, secureCode);
  const body = Object.entries({ ...fields, signValue })
    .map(([k, v]) => `  <${k}>${escape(v)}</${k}>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n${body}\n</response>\n`;
}
