// Test-side protocol helpers, written independently of the code under test: signatures with
// node:crypto over the field orders restated here from docs/oceanpayment-wire.md, XML read with
// fast-xml-parser directly (neither the sandbox's writer nor the client's parser).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { request } from "undici";

export const account = "995149";
export const terminal = "99514901";
export const secureCode = "12345678";
export const wechatCode = (lastDigit: number) => `13456789012345678${lastDigit}`;
export const alipayCode = (lastDigit: number) => `28765432109876543${lastDigit}`;

export type Fields = Record<string, string>;

// Field orders, restated (docs/oceanpayment-wire.md; the query answer's is the agreed assumption).
export const orders = {
  payRequest: ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"],
  paymentResult: ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "card_number", "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk"],
  queryRequest: ["account", "terminal", "order_number"],
  queryAnswer: ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "payment_id", "payment_results", "payment_details", "payment_risk"],
  voidRequest: ["account", "terminal", "order_number", "payment_authType"],
  refundRequest: ["account", "terminal", "payment_id", "refund_type", "refund_amount", "refund_description"],
} as const;

export function sha256Sign(fields: Fields, order: readonly string[], code = secureCode): string {
  return createHash("sha256").update(order.map((n) => fields[n] ?? "").join("") + code, "utf8").digest("hex");
}

/** A signed merchant_scan (with `pay_accountNumber`) or customer_scan (with `methods`) pay request. */
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
    productName: "Lunch",
    productSku: "L-1",
    productPrice: "12.50",
    productNum: "1",
    ...overrides,
  };
  return { ...fields, signValue: overrides.signValue ?? sha256Sign(fields, orders.payRequest) };
}

export function queryFields(orderNumbers: string[], overrides: Fields = {}): Fields {
  const fields: Fields = { account, terminal, order_number: orderNumbers.join(","), ...overrides };
  return { ...fields, signValue: sha256Sign(fields, orders.queryRequest) };
}

export function voidFields(orderNumber: string): Fields {
  const fields: Fields = { account, terminal, order_number: orderNumber, payment_authType: "3" };
  return { ...fields, signValue: sha256Sign(fields, orders.voidRequest) };
}

/** An applyRefund request signed in the published order; refund_number travels unsigned. */
export function refundFields(paymentId: string, amount: string, refundNumber: string): Fields {
  const fields: Fields = { account, terminal, payment_id: paymentId, refund_number: refundNumber, refund_type: "2", refund_amount: amount, refund_description: "returned" };
  return { ...fields, signValue: sha256Sign(fields, orders.refundRequest) };
}

/** signValue compared case-insensitively, as a receiver must. */
const signedBy = (doc: Fields, order: readonly string[]): boolean => (doc.signValue ?? "").toLowerCase() === sha256Sign(doc, order);

/** True when a pay answer or notice carries a signValue matching its payment-result fields. */
export const resultSignatureValid = (doc: Fields): boolean => signedBy(doc, orders.paymentResult);

/** True when one paymentInfo carries a signValue over the agreed query-answer fields. */
export const infoSignatureValid = (info: Fields): boolean => signedBy(info, orders.queryAnswer);

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

const reader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, isArray: (name) => name === "paymentInfo" });
const orderedReader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, preserveOrder: true });

/** Text elements of an element (nested elements and the indentation between them dropped). */
const textOf = (node: unknown): Fields =>
  Object.fromEntries(
    Object.entries((node ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => e[0] !== "#text" && typeof e[1] === "string"),
  );

/** The text elements directly under `<response>`. */
export function leaves(xml: string): Fields {
  return textOf((reader.parse(xml) as { response?: unknown }).response);
}

/** The `<paymentInfo>` blocks of a query answer, in document order. */
export function paymentInfos(xml: string): Fields[] {
  const response = (reader.parse(xml) as { response?: { paymentInfo?: unknown[] } }).response;
  return (response?.paymentInfo ?? []).map(textOf);
}

type Ordered = Array<Record<string, unknown>>;
const nameOf = (node: Record<string, unknown>): string => Object.keys(node).find((k) => k !== ":@") ?? "";

/** Element names along a document, in order: `["response"]` → its children's names; deeper paths pick the first match. */
export function elementNames(xml: string, path: readonly string[]): string[] {
  let nodes = orderedReader.parse(xml) as Ordered;
  for (const step of path) {
    const next = nodes.find((node) => nameOf(node) === step);
    if (!next) return [];
    nodes = next[step] as Ordered;
  }
  return nodes.map(nameOf).filter((name) => name !== "#text");
}

/** A published sample, verbatim (test/fixtures). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
}
