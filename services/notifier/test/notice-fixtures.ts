import { createHash } from "node:crypto";

/** The `paymentResult` signing order, restated here from docs/oceanpayment-wire.md (not imported from core). */
export const paymentResultOrder = [
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

export type NoticeFields = Record<string, string>;

/**
 * The spec's sample notices (packages/sandbox/test/fixtures/face-to-face-*.xml), field for field:
 * the pending one (`payment_details` empty) and the success. Their published signValue is a
 * placeholder; tests re-sign them with the sandbox secureCode `12345678`.
 */
export const specPendingNotice: Readonly<NoticeFields> = {
  notice_type: "transaction",
  push_dateTime: "2024-05-06 10:15:51",
  account: "995149",
  terminal: "99514901",
  methods: "WeChatPay_Offline",
  order_number: "NO12345678",
  card_country: "",
  order_currency: "USD",
  order_amount: "0.01",
  order_notes: "",
  card_number: "",
  card_type: "",
  payment_country: "",
  payment_id: "240506101548268260914",
  payment_authType: "0",
  payment_status: "-1",
  payment_details: "",
  payment_solutions: "",
  payment_risk: "",
  payment_amount: "",
  payment_exchangeRate: "",
  customer_id: "",
  subscribe: "",
  pay_bankCode: "",
  pay_barCode: "2024050622001432901441897816",
  pay_userId: "137****8623",
};
export const specSuccessNotice: Readonly<NoticeFields> = {
  ...specPendingNotice,
  payment_status: "1",
  payment_details: "80000:Transaction Approved",
};

/**
 * A real signed rejection, verbatim: the sandbox's answer (secureCode `12345678`) to a pay request
 * for our order R1 (499.00 USD) sent by an attacker with a bad signValue and notes of their
 * choosing: `240506101548268260914` + `01` + `80000:Transaction Approved` (our own notes are empty).
 */
export const sandboxRejection = `<?xml version="1.0" encoding="UTF-8"?>
<response>
  <account>995149</account>
  <terminal>99514901</terminal>
  <signValue>785aa204ebd1cb4275cc6d486b922e41aaa858193310f8ffa9810061a6896757</signValue>
  <order_number>R1</order_number>
  <order_currency>USD</order_currency>
  <order_amount>499.00</order_amount>
  <order_notes>2405061015482682609140180000:Transaction Approved</order_notes>
  <card_number></card_number>
  <payment_id></payment_id>
  <payment_authType>0</payment_authType>
  <payment_status>0</payment_status>
  <payment_details>20013:Signature error</payment_details>
  <payment_risk></payment_risk>
  <methods>WeChatPay_Offline</methods>
  <pay_barCode></pay_barCode>
</response>
`;

/** Success notice fields of order NO1 (12.50 USD), on the spec sample's terminal and attempt. */
export function noticeFields(overrides: NoticeFields): NoticeFields {
  return { ...specSuccessNotice, order_number: "NO1", order_amount: "12.50", ...overrides };
}

/** What the signature covers: the values in the restated order, joined with nothing. */
export function signedString(fields: NoticeFields): string {
  return paymentResultOrder.map((k) => fields[k] ?? "").join("");
}

export function signNotice(fields: NoticeFields, secureCode: string): string {
  return createHash("sha256").update(signedString(fields) + secureCode, "utf8").digest("hex");
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

/**
 * An attacker's edit of a genuine signed document: the same signValue over other field values.
 * Throws unless the edit keeps the signed concatenation (so the forgery does verify).
 */
export function shifted(genuine: NoticeFields, edit: NoticeFields, secureCode = "12345678"): string {
  const forged = { ...genuine, ...edit };
  if (signedString(forged) !== signedString(genuine)) throw new Error("not a shift: the signed concatenation changed");
  return noticeXml({ ...forged, signValue: signNotice(genuine, secureCode) });
}

/**
 * The business notice (refund, risk) signing order, restated from docs/oceanpayment-wire.md (an
 * assumed order, agreed with the sandbox's own table; not imported from core).
 */
export const businessNoticeOrder = [
  "account",
  "terminal",
  "order_number",
  "order_currency",
  "order_amount",
  "payment_id",
  "refund_number",
  "notice_type",
  "push_id",
  "push_status",
  "push_details",
] as const;

export function businessSignedString(fields: NoticeFields): string {
  return businessNoticeOrder.map((k) => fields[k] ?? "").join("");
}

/** A business notice document in the sandbox's element order; `signValue` in `fields` overrides the computed one. */
export function businessNoticeXml(fields: NoticeFields, secureCode = "12345678"): string {
  const signValue = fields.signValue ?? createHash("sha256").update(businessSignedString(fields) + secureCode, "utf8").digest("hex");
  const body = Object.entries({ ...fields, signValue })
    .map(([k, v]) => `  <${k}>${escape(v)}</${k}>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n${body}\n</response>\n`;
}

/** A refund notice's elements (the published list) for order `orderNumber` (12.50 USD, the spec sample's attempt). */
export function refundNoticeFields(overrides: NoticeFields): NoticeFields {
  return {
    account: "995149",
    terminal: "99514901",
    payment_dateTime: "2024-05-06 10:15:48",
    payment_debitTime: "2024-05-06 10:15:51",
    push_dateTime: "2024-05-07 09:00:00",
    order_number: "NO1",
    order_currency: "USD",
    order_amount: "12.50",
    order_notes: "",
    card_type: "",
    card_country: "",
    payment_id: "240506101548268260914",
    refund_number: "R-1",
    refund_reference: "",
    notice_type: "partialRefund",
    push_status: "1",
    push_details: "80000:Transaction Approved",
    push_id: "240507090000000000042",
    payment_cpdTime: "",
    ...overrides,
  };
}

/** An edit of a genuine signed business notice keeping its signValue; throws unless the signed concatenation is kept. */
export function shiftedBusiness(genuine: NoticeFields, edit: NoticeFields, secureCode = "12345678"): string {
  const forged = { ...genuine, ...edit };
  if (businessSignedString(forged) !== businessSignedString(genuine)) throw new Error("not a shift: the signed concatenation changed");
  const signValue = createHash("sha256").update(businessSignedString(genuine) + secureCode, "utf8").digest("hex");
  return businessNoticeXml({ ...forged, signValue });
}
