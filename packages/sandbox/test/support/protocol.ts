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

// Field orders, restated (docs/oceanpayment-wire.md; the answers' and refund notices' are the
// assumptions written down there).
export const orders = {
  payRequest: ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"],
  paymentResult: ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "card_number", "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk"],
  queryRequest: ["account", "terminal", "order_number"],
  queryAnswer: ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "payment_id", "payment_results", "payment_details", "payment_risk"],
  voidRequest: ["account", "terminal", "order_number", "payment_authType"],
  refundRequest: ["account", "terminal", "payment_id", "refund_type", "refund_amount", "refund_description"],
  refundQueryRequest: ["account", "terminal", "refund_id"],
  ordersListRequest: ["account", "terminal", "order_beginDate", "order_endDate"],
  refundQueryAnswer: ["account", "terminal", "order_number", "payment_id", "refund_id", "refund_number", "refund_amount", "refund_currency", "refund_status", "refund_details"],
  refundNotice: ["account", "terminal", "order_number", "order_currency", "order_amount", "payment_id", "refund_number", "notice_type", "push_id", "push_status", "push_details"],
  ordersListAnswer: ["account", "terminal", "results", "details", "count", "totalpages", "pages"],
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
export function refundFields(paymentId: string, amount: string, refundNumber: string, overrides: Fields = {}): Fields {
  const fields: Fields = { account, terminal, payment_id: paymentId, refund_number: refundNumber, refund_type: "2", refund_amount: amount, refund_description: "returned", ...overrides };
  return { ...fields, signValue: sha256Sign(fields, orders.refundRequest) };
}

export function refundQueryFields(refundId: string, overrides: Fields = {}, code = secureCode): Fields {
  const fields: Fields = { account, terminal, refund_id: refundId, ...overrides };
  return { ...fields, signValue: sha256Sign(fields, orders.refundQueryRequest, code) };
}

/** A QueryOrdersList request; `pages` is sent unsigned (the published string has none). */
export function ordersListFields(begin: string, end: string, overrides: Fields = {}, code = secureCode): Fields {
  const fields: Fields = { account, terminal, order_beginDate: begin, order_endDate: end, ...overrides };
  return { ...fields, signValue: sha256Sign(fields, orders.ordersListRequest, code) };
}

/** signValue compared case-insensitively, as a receiver must. */
const signedBy = (doc: Fields, order: readonly string[]): boolean => (doc.signValue ?? "").toLowerCase() === sha256Sign(doc, order);

/** True when a pay answer or notice carries a signValue matching its payment-result fields. */
export const resultSignatureValid = (doc: Fields): boolean => signedBy(doc, orders.paymentResult);

/** True when one paymentInfo carries a signValue over the agreed query-answer fields. */
export const infoSignatureValid = (info: Fields): boolean => signedBy(info, orders.queryAnswer);

export const refundAnswerSignatureValid = (doc: Fields): boolean => signedBy(doc, orders.refundQueryAnswer);
export const refundNoticeSignatureValid = (doc: Fields): boolean => signedBy(doc, orders.refundNotice);
export const ordersListSignatureValid = (doc: Fields): boolean => signedBy(doc, orders.ordersListAnswer);

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

const repeated = new Set(["paymentInfo", "orderInfo", "refundInfo"]);
const reader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, isArray: (name) => repeated.has(name) });
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

/** The `<refundInfo>` blocks of each paymentInfo's `<refundList>`, one list per paymentInfo. */
export function refundLists(xml: string): Fields[][] {
  const response = (reader.parse(xml) as { response?: { paymentInfo?: Array<{ refundList?: { refundInfo?: unknown[] } | string }> } }).response;
  return (response?.paymentInfo ?? []).map((info) => (typeof info.refundList === "object" ? (info.refundList.refundInfo ?? []).map(textOf) : []));
}

/** The `<orderInfo>` lines of a QueryOrdersList answer, in document order. */
export function orderInfos(xml: string): Fields[] {
  const response = (reader.parse(xml) as { response?: { orderInfo?: unknown[] } }).response;
  return (response?.orderInfo ?? []).map(textOf);
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
