import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { GatewayXmlError } from "./errors.js";
import { QueryResponse, type PaymentInfo } from "./response-schemas.js";
import { parseGatewayXml } from "./xml-parser.js";

/** Result of one attempt as the query reports it; `none` is the placeholder of an order never tried. */
export type AttemptResult = "succeeded" | "pending" | "failed" | "none";

export interface QueryAttempt {
  paymentId: string;
  result: AttemptResult;
  details: PaymentDetails;
  barCode: string;
  /** Decimal string as received. */
  amount: string;
  currency: string;
  /** Gateway's local time, as received (`2024-05-06 10:15:48`). */
  dateTime: string;
}

/**
 * A query's meaning. `orders` holds every number asked, attempts newest first (the gateway's order).
 * A query is read-only: `ambiguous` here is as safe to retry as `retryable`; both kinds are kept so
 * that logs and metrics say what happened.
 */
export type QueryOutcome =
  | { kind: "answered"; orders: Map<string, QueryAttempt[]> }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

/** What the payer may conclude about one order from its attempts. */
export type Settlement =
  | { status: "succeeded"; attempt: QueryAttempt }
  | { status: "pending"; attempt: QueryAttempt }
  | { status: "failed"; attempt: QueryAttempt }
  | { status: "no_attempt" };

function attemptResult(info: PaymentInfo): AttemptResult {
  if (info.payment_id === "" && info.payment_results === "") return "none";
  switch (info.payment_results) {
    case "1":
      return "succeeded";
    case "-1":
      return "pending";
    // A real attempt with no result yet is not final: calling it failed could lose a payment.
    case "":
      return "pending";
    default:
      return "failed";
  }
}

function toAttempt(info: PaymentInfo): QueryAttempt {
  return {
    paymentId: info.payment_id,
    result: attemptResult(info),
    details: parsePaymentDetails(info.payment_details),
    barCode: info.pay_barCode,
    amount: info.order_amount,
    currency: info.order_currency,
    dateTime: info.payment_dateTime,
  };
}

/** The newest real attempt (the `none` placeholder is not an attempt). */
export function newestAttempt(attempts: readonly QueryAttempt[]): QueryAttempt | undefined {
  return attempts.find((attempt) => attempt.result !== "none");
}

/**
 * Any success wins (the customer paid; later failed retries do not undo it). Otherwise any pending
 * attempt keeps the order pending, even an older one, because it can still complete. Otherwise the
 * newest failure; with no real attempt at all, `no_attempt` (the pay request never arrived).
 */
export function settle(attempts: readonly QueryAttempt[]): Settlement {
  const succeeded = attempts.find((attempt) => attempt.result === "succeeded");
  if (succeeded) return { status: "succeeded", attempt: succeeded };
  const pending = attempts.find((attempt) => attempt.result === "pending");
  if (pending) return { status: "pending", attempt: pending };
  const failed = attempts.find((attempt) => attempt.result === "failed");
  if (failed) return { status: "failed", attempt: failed };
  return { status: "no_attempt" };
}

function ambiguous(message: string, statusCode: number, reason: AmbiguousFailure["reason"] = "unparseable"): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode };
}

export interface QueryExpectation {
  account: string;
  terminal: string;
  orderNumbers: readonly string[];
}

/**
 * Classifies a query body. The answer is unsigned (assumed), so it is checked for consistency
 * instead: same account/terminal, no order we did not ask about, and every order asked present
 * (a partial answer must not read as "no attempt", which would let the payer give up on a payment).
 */
export function classifyQueryResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: QueryExpectation,
  maxBytes?: number,
): QueryOutcome {
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes, arrayPaths: ["response.paymentInfo"] });
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
  const differs = (got: string, wanted: string) => got !== "" && got !== wanted;
  if (differs(response.account, expected.account) || differs(response.terminal, expected.terminal)) {
    return ambiguous("query answer is for another account/terminal", statusCode, "mismatch");
  }

  const orders = new Map<string, QueryAttempt[]>(expected.orderNumbers.map((n) => [n, []]));
  for (const info of response.paymentInfo) {
    const attempts = orders.get(info.order_number);
    if (!attempts) return ambiguous("query answer names an order that was not asked", statusCode, "mismatch");
    attempts.push(toAttempt(info));
  }
  for (const [orderNumber, attempts] of orders) {
    if (attempts.length === 0) return ambiguous(`query answer omits order ${orderNumber}`, statusCode);
  }
  return { kind: "answered", orders };
}
