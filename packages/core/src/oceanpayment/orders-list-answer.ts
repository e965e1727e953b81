import { canonicalAmount } from "../payments/money.js";
import { gatewayDateTimeFormat } from "./build-orders-list-form.js";
import type { GatewayFailure } from "./gateway-failure.js";
import { OrderInfo, OrdersListResponse } from "./response-schemas.js";
import { verify } from "./signature.js";
import { ambiguousAnswer, readUnsignedAnswer } from "./unsigned-answer.js";

/**
 * Reads one page of `/service/QueryOrdersList` (docs/oceanpayment-wire.md, "Successful orders
 * list"): the gateway's own record of what it charged, the basis of a daily reconciliation. So
 * nothing here is lenient: a header or a line that is not exactly in its format, a signature that
 * does not verify, a page other than the one asked, makes the whole page unusable (`ambiguous`),
 * never a shorter list. Whether the pages together hold `count` orders is the caller's check.
 */

/** One successful charge as the gateway lists it. */
export interface ListedOrder {
  paymentId: string;
  orderNumber: string;
  currency: string;
  /** Canonical decimal (`012.50` → `12.5`): compare with `sameAmount`, format with the currency. */
  amount: string;
  method: string;
  /** `yyyy-mm-dd HH:mm:ss` in the gateway's zone, as received. */
  dateTime: string;
}

export type OrdersListOutcome =
  | {
      kind: "page";
      /** The page answered (the one asked). */
      page: number;
      /** Orders in the whole range, every page together. */
      count: number;
      totalPages: number;
      orders: ListedOrder[];
    }
  /** The gateway refused the request (`results` other than `00`, e.g. a date range too old). */
  | { kind: "refused"; code: string; details: string }
  | GatewayFailure;

export interface OrdersListExpectation {
  account: string;
  terminal: string;
  secureCode: string;
  page: number;
}

/** Formats of the header and of each line; the signed header's fields first. */
export const ordersListFormats = {
  results: /^\d{2,5}$/,
  count: /^(?:0|[1-9]\d{0,8})$/,
  totalpages: /^(?:0|[1-9]\d{0,5})$/,
  pages: /^(?:0|[1-9]\d{0,5})$/,
  payment_id: /^\d{1,64}$/,
  /** 1–50 printable ASCII characters (what checkOrderNumber lets us send, commas aside). */
  order_number: /^[\x21-\x7e]{1,50}$/,
  order_currency: /^[A-Z]{3}$/,
  /** Positive plain decimal: a listed charge is never 0. */
  order_amount: /^(?=.*[1-9])\d{1,15}(?:\.\d{1,3})?$/,
  /** `WeChatPay_Offline`, `Alipay_Offline`; the published sample also has `Credit Card`. */
  methods: /^[A-Za-z0-9_ -]{1,50}$/,
  payment_dateTime: gatewayDateTimeFormat,
} as const;

/** `details` is free text: one line, bounded. */
const detailsFormat = /^[^\p{Cc}]{0,500}$/u;

/** Classifies one QueryOrdersList page against the page and terminal asked. */
export function classifyOrdersListResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: OrdersListExpectation,
  maxBytes?: number,
): OrdersListOutcome {
  const answer = readUnsignedAnswer(OrdersListResponse, "orders list", body, statusCode, maxBytes);
  if (!answer.ok) return answer.failure;
  const header = answer.response;
  const bad = (message: string, reason: "unparseable" | "mismatch" | "signature_invalid" = "unparseable") => ambiguousAnswer(`orders list page ${expected.page}: ${message}`, statusCode, reason);

  if (header.account !== expected.account || header.terminal !== expected.terminal) return bad("answer is for another account/terminal", "mismatch");
  for (const field of ["results", "count", "totalpages", "pages"] as const) {
    if (!ordersListFormats[field].test(header[field])) return bad(`${field} is not in its format`);
  }
  if (!detailsFormat.test(header.details)) return bad("details is not one line of text");
  // A refusal is unsigned (assumed): it is believed only as a refusal, which marks nothing matched.
  if (header.results !== "00") {
    if (header.orderInfo.length > 0) return bad(`refusal ${header.results} carries orders`);
    return { kind: "refused", code: header.results, details: header.details };
  }
  // The one replaceable choice: the string `ordersListAnswer` of signatureFields (assumed).
  const { orderInfo: _lines, ...signed } = header;
  if (!verify("ordersListAnswer", signed, expected.secureCode, header.signValue)) return bad("signValue does not verify", "signature_invalid");

  const count = Number(header.count);
  const totalPages = Number(header.totalpages);
  // `pages` echoes the page asked; a page past the last answers no lines (and the first page of nothing is page 1).
  if (Number(header.pages) !== expected.page) return bad(`answers page ${header.pages}`, "mismatch");
  if ((count === 0) !== (totalPages === 0)) return bad(`count ${count} and totalpages ${totalPages} disagree`);
  if (totalPages > count) return bad(`more pages (${totalPages}) than orders (${count})`);
  if (header.orderInfo.length > count) return bad(`${header.orderInfo.length} lines for a count of ${count}`);

  const orders: ListedOrder[] = [];
  for (const [index, raw] of header.orderInfo.entries()) {
    const line = OrderInfo.safeParse(raw);
    if (!line.success) return bad(`orderInfo ${index + 1} lacks an element`);
    const info = line.data;
    if (info.account !== expected.account || info.terminal !== expected.terminal) return bad(`orderInfo ${index + 1} is for another account/terminal`, "mismatch");
    for (const field of ["payment_id", "order_number", "order_currency", "order_amount", "methods", "payment_dateTime"] as const) {
      if (!ordersListFormats[field].test(info[field])) return bad(`orderInfo ${index + 1}: ${field} is not in its format`);
    }
    orders.push({
      paymentId: info.payment_id,
      orderNumber: info.order_number,
      currency: info.order_currency,
      amount: canonicalAmount(info.order_amount) as string,
      method: info.methods,
      dateTime: info.payment_dateTime,
    });
  }
  return { kind: "page", page: expected.page, count, totalPages, orders };
}
