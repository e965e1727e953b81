import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { GatewayXmlError } from "./errors.js";
import {
  type OrderAnswer,
  type QueryAnswerSignature,
  type QueryAttempt,
  readOrderAnswer,
} from "./query-answer.js";
import { refundInfoArrayPath } from "./refund-list.js";
import { PaymentInfo, QueryResponse } from "./response-schemas.js";
import type { SentOrder } from "./result-fields.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * A query's meaning. `orders` holds every number asked (each read on its own: one odd order does
 * not hide the others). A query is read-only: `ambiguous` here is as safe to retry as `retryable`;
 * both kinds are kept so that logs and metrics say what happened.
 */
export type QueryOutcome =
  | {
      kind: "answered";
      orders: Map<string, OrderAnswer>;
      /** Attempts used although their signValue did not verify (mode `optional`): count and log them. */
      signatureMismatches: number;
    }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

/** What the payer may conclude about one order from its answer. */
export type Settlement =
  | { status: "succeeded"; attempt: QueryAttempt }
  | { status: "pending"; attempt: QueryAttempt }
  | { status: "failed"; attempt: QueryAttempt }
  | { status: "no_attempt" };

/** An order the answer says nothing usable about: settle nothing, ask again later. */
export interface UnclearOrder {
  status: "unclear";
  failure: AmbiguousFailure;
}

/**
 * Any success wins (the customer paid; later failed retries do not undo it). Otherwise any pending
 * attempt keeps the order pending, even an older one, because it can still complete. Otherwise the
 * newest failure. `no_attempt` only when the answer says so unambiguously (the named placeholder);
 * an order missing from the answer, or unclear, settles nothing.
 */
export function settle(answer: OrderAnswer | undefined): Settlement | UnclearOrder {
  if (answer === undefined) return { status: "unclear", failure: ambiguous("query answer omits the order", undefined) };
  switch (answer.kind) {
    case "no_attempt":
      return { status: "no_attempt" };
    case "unclear":
      return { status: "unclear", failure: ambiguous(answer.message, undefined, answer.reason) };
    case "attempts": {
      for (const status of ["succeeded", "pending", "failed"] as const) {
        const attempt = answer.attempts.find((a) => a.result === status);
        if (attempt) return { status, attempt };
      }
      return { status: "unclear", failure: ambiguous("query answer lists no attempt", undefined) };
    }
    default: {
      const never: never = answer;
      return never;
    }
  }
}

function ambiguous(message: string, statusCode: number | undefined, reason: AmbiguousFailure["reason"] = "unparseable"): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, ...(statusCode === undefined ? {} : { statusCode }) };
}

export interface QueryExpectation {
  account: string;
  terminal: string;
  secureCode: string;
  /** Every order asked, as it was sent (amount, currency, notes). */
  orders: readonly SentOrder[];
  /** See {@link QueryAnswerSignature}; default `optional`. */
  signature?: QueryAnswerSignature;
}

/**
 * Classifies a query body: the published shape, one `paymentInfo` per attempt, newest first, each
 * checked against the order asked (`readOrderAnswer`). An attempt naming an order we did not ask
 * about makes the whole answer ambiguous: it is not an answer to our question.
 */
export function classifyQueryResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: QueryExpectation,
  maxBytes?: number,
): QueryOutcome {
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes, arrayPaths: ["response.paymentInfo", refundInfoArrayPath] });
  } catch (error) {
    if (error instanceof GatewayXmlError) return ambiguous(error.message, statusCode);
    throw error;
  }
  const shaped = QueryResponse.safeParse(tree);
  if (!shaped.success) return ambiguous("unexpected query response shape", statusCode);
  const response = shaped.data;

  if (response.query_status === "0") {
    const details = parsePaymentDetails(response.query_details);
    if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
    return ambiguous(`query refused with code ${details.code || "none"}`, statusCode);
  }
  if (response.paymentInfo.length === 0) return ambiguous("query answer has no paymentInfo", statusCode);

  const infos = new Map<string, PaymentInfo[]>(expected.orders.map((order) => [order.orderNumber, []]));
  const misshapen = new Set<string>();
  for (const element of response.paymentInfo) {
    const info = PaymentInfo.safeParse(element);
    const orderNumber = info.success ? info.data.order_number : orderNumberOf(element);
    const list = orderNumber === undefined ? undefined : infos.get(orderNumber);
    if (!list || orderNumber === undefined) return ambiguous("query answer names an order that was not asked", statusCode, "mismatch");
    if (info.success) list.push(info.data);
    else misshapen.add(orderNumber);
  }
  const { account, terminal, secureCode } = expected;
  const signature = expected.signature ?? "optional";
  const orders = new Map<string, OrderAnswer>();
  let signatureMismatches = 0;
  for (const order of expected.orders) {
    const answer: OrderAnswer = misshapen.has(order.orderNumber)
      ? { kind: "unclear", reason: "unparseable", message: `unexpected paymentInfo shape for ${order.orderNumber}` }
      : readOrderAnswer(infos.get(order.orderNumber) ?? [], { ...order, account, terminal, secureCode, signature });
    if (answer.kind === "attempts") signatureMismatches += answer.attempts.filter((a) => a.signature === "mismatch").length;
    orders.set(order.orderNumber, answer);
  }
  return { kind: "answered", orders, signatureMismatches };
}

/** The order number of a `paymentInfo` that failed its shape, when it has a readable one. */
function orderNumberOf(element: unknown): string | undefined {
  if (typeof element !== "object" || element === null) return undefined;
  const value = (element as { order_number?: unknown }).order_number;
  return typeof value === "string" ? value : undefined;
}
