// Test-side protocol helpers, written independently of the code under test: signatures with
// node:crypto over the documented field orders, minimal XML reading with regular expressions.
import { createHash } from "node:crypto";
import { request } from "undici";

export const account = "995149";
export const terminal = "99514901";
export const secureCode = "12345678";
export const wechatCode = (lastDigit: number) => `13456789012345678${lastDigit}`;
export const alipayCode = (lastDigit: number) => `28765432109876543${lastDigit}`;

export type Fields = Record<string, string>;

const payRequestOrder = ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"];
const paymentResultOrder = ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "card_number", "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk"];
const queryOrder = ["account", "terminal", "order_number"];
const voidOrder = ["account", "terminal", "order_number", "payment_authType"];
const refundOrder = ["account", "terminal", "payment_id", "refund_number", "refund_type", "refund_amount", "refund_description"];

export function sha256Sign(fields: Fields, order: readonly string[], code = secureCode): string {
  return createHash("sha256").update(order.map((n) => fields[n] ?? "").join("") + code, "utf8").digest("hex");
}

/** A signed merchant_scan (with `authCode`) or customer_scan (with `methods`) pay request. */
export function payFields(overrides: Fields = {}): Fields {
  const fields: Fields = {
    account,
    terminal,
    noticeUrl: "",
    order_number: `T${Math.random().toString(36).slice(2, 12)}`,
    order_currency: "USD",
    order_amount: "12.50",
    methods: "",
    order_notes: "till 3",
    billing_firstName: "Ada",
    billing_lastName: "Lovelace",
    billing_email: "ada@example.com",
    ...overrides,
  };
  return { ...fields, signValue: overrides.signValue ?? sha256Sign(fields, payRequestOrder) };
}

export function queryFields(orderNumbers: string[], overrides: Fields = {}): Fields {
  const fields: Fields = { account, terminal, order_number: orderNumbers.join(","), ...overrides };
  return { ...fields, signValue: sha256Sign(fields, queryOrder) };
}

export function voidFields(orderNumber: string): Fields {
  const fields: Fields = { account, terminal, order_number: orderNumber, payment_authType: "3" };
  return { ...fields, signValue: sha256Sign(fields, voidOrder) };
}

export function refundFields(paymentId: string, amount: string, refundNumber: string): Fields {
  const fields: Fields = { account, terminal, payment_id: paymentId, refund_number: refundNumber, refund_type: "2", refund_amount: amount, refund_description: "returned" };
  return { ...fields, signValue: sha256Sign(fields, refundOrder) };
}

/** True when a pay response or notice carries a signValue matching its payment-result fields. */
export function resultSignatureValid(doc: Fields): boolean {
  return doc.signValue === sha256Sign(doc, paymentResultOrder);
}

export interface FormResponse {
  status: number;
  contentType: string;
  body: string;
}

export async function postForm(url: string, fields: Fields, options: { headersTimeout?: number } = {}): Promise<FormResponse> {
  const response = await request(url, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    ...options,
  });
  return {
    status: response.statusCode,
    contentType: String(response.headers["content-type"]),
    body: await response.body.text(),
  };
}

export async function sendJson(url: string, method: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await request(url, {
    method: method as "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "content-type": "application/json" },
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === "" ? undefined : JSON.parse(text) };
}

const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };

/** Leaf elements of an XML fragment, first occurrence wins. Enough for flat `<response>`s. */
export function leaves(xml: string): Fields {
  const out: Fields = {};
  for (const [, name, value] of xml.matchAll(/<([A-Za-z_]+)>([^<]*)<\/\1>/g)) {
    if (name && !(name in out)) out[name] = (value ?? "").replace(/&(lt|gt|quot|apos|amp);/g, (e) => entities[e] ?? e);
  }
  return out;
}

/** The `<paymentInfo>` blocks of a query response, in document order. */
export function paymentInfos(xml: string): Fields[] {
  return [...xml.matchAll(/<paymentInfo>([\s\S]*?)<\/paymentInfo>/g)].map(([, inner]) => leaves(inner ?? ""));
}
