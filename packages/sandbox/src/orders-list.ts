import type { Attempt, Ledger } from "./ledger.js";
import { formatDateTime } from "./payment-ids.js";
import type { ResultCode } from "./result-codes.js";
import { corruptSignature, signDocument } from "./signature.js";
import { type XmlNode, xmlDocument } from "./xml.js";

/** *(assumed)* orderInfo lines per page of QueryOrdersList (Oceanpayment publishes no page size). */
export const ordersListPageSize = 100;

/** One page of a terminal's successful charges in a time range. */
export interface OrdersPage {
  /** Charges in the whole range, every page together. */
  count: number;
  /** `ceil(count / page size)`; 0 when nothing matched. */
  totalPages: number;
  /** The asked page's charges, newest first. */
  attempts: readonly Attempt[];
}

/**
 * QueryOrdersList from the ledger: the charges (succeeded attempts, orphan charges included) of one
 * account+terminal whose `payment_dateTime` (the attempt's time, as in its query answer) falls in
 * [begin, end] to the second, newest first (ties: payment_id descending), in pages of
 * {@link ordersListPageSize}. The last range's sorted list is kept until the ledger's charges
 * change, so paging through a big day sorts it once.
 */
export class OrdersList {
  private cache: { key: string; attempts: readonly Attempt[] } | undefined;

  constructor(private readonly ledger: Ledger) {}

  page(account: string, terminal: string, beginMs: number, endMs: number, page: number): OrdersPage {
    const attempts = this.matching(account, terminal, beginMs, endMs);
    const start = (page - 1) * ordersListPageSize;
    return {
      count: attempts.length,
      totalPages: Math.ceil(attempts.length / ordersListPageSize),
      attempts: attempts.slice(start, start + ordersListPageSize),
    };
  }

  private matching(account: string, terminal: string, beginMs: number, endMs: number): readonly Attempt[] {
    const charged = this.ledger.charged();
    const key = `${charged.version}\u0000${account}\u0000${terminal}\u0000${beginMs}\u0000${endMs}`;
    if (this.cache?.key === key) return this.cache.attempts;
    // Times are compared to the whole second, as payment_dateTime is written.
    const second = (ms: number) => Math.floor(ms / 1000) * 1000;
    const attempts = charged.attempts
      .filter((a) => a.order.account === account && a.order.terminal === terminal)
      .filter((a) => second(a.createdAt) >= beginMs && second(a.createdAt) <= endMs)
      .toSorted((a, b) => b.createdAt - a.createdAt || (b.paymentId < a.paymentId ? -1 : b.paymentId > a.paymentId ? 1 : 0));
    this.cache = { key, attempts };
    return attempts;
  }
}

/** The answer's elements above the orderInfo lines, in the published sample's order. */
export const ordersListHeader = ["account", "terminal", "signValue", "results", "details", "count", "totalpages", "pages"] as const;

function document(values: Record<string, string>, lines: readonly XmlNode[], secureCode: string | undefined, corrupt: boolean): string {
  let signValue = secureCode === undefined ? "" : signDocument("ordersListAnswer", values, secureCode);
  if (corrupt && signValue !== "") signValue = corruptSignature(signValue);
  const header = ordersListHeader.map((name): XmlNode => [name, name === "signValue" ? signValue : (values[name] ?? "")]);
  return xmlDocument("response", [...header, ...lines]);
}

/**
 * The answer in the published shape (query-orders-list-answer.xml): the header with `results`
 * `00` and `details` `Success`, signed with the *assumed* `ordersListAnswer` order, then one
 * `orderInfo` per charge of the page (account, terminal, payment_id, order_number, order_currency,
 * order_amount, methods, payment_dateTime). `pages` is the page answered.
 */
export function ordersListAnswer(account: string, terminal: string, page: number, result: OrdersPage, secureCode: string, corrupt: boolean): string {
  const values = { account, terminal, results: "00", details: "Success", count: String(result.count), totalpages: String(result.totalPages), pages: String(page) };
  const lines = result.attempts.map((a): XmlNode => [
    "orderInfo",
    [
      ["account", a.order.account],
      ["terminal", a.order.terminal],
      ["payment_id", a.paymentId],
      ["order_number", a.order.orderNumber],
      ["order_currency", a.currency],
      ["order_amount", a.amount],
      ["methods", a.method],
      ["payment_dateTime", formatDateTime(a.createdAt)],
    ],
  ]);
  return document(values, lines, secureCode, corrupt);
}

/**
 * *(assumed)* A refused list request: the same header, unsigned, with `results` the refusal's code
 * (never `00`), `details` its text, `count` and `totalpages` 0, and no orderInfo.
 */
export function ordersListRefusal(account: string, terminal: string, pages: string, result: ResultCode): string {
  const values = { account, terminal, results: result.code, details: result.text, count: "0", totalpages: "0", pages };
  return document(values, [], undefined, false);
}
