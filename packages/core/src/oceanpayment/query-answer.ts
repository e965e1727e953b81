import type { AmbiguousReason } from "./gateway-failure.js";
import { parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { type RefundListing, readRefundList } from "./refund-list.js";
import type { PaymentInfo } from "./response-schemas.js";
import { echoProblem, formatProblem, type ResultExpectation, type SignedResult } from "./result-fields.js";
import { verify } from "./signature.js";

/**
 * Reads one order's `paymentInfo` elements of a query answer (`/service/check/normal`). Every
 * attempt is checked as a pay answer is: formats, then the echo of our order on our terminal.
 * Whatever is incomplete or odd makes the order `unclear`, never "no attempt": only the named
 * placeholder below says that, and "no attempt" is the one answer that lets the payer resend.
 */

/**
 * How much a query attempt's `signValue` is trusted. Its sign string is not published (the
 * `queryAnswer` entry of `signatureFields` is our assumption): `optional` (default) counts and
 * logs a mismatch but still uses an attempt whose every other check passes, so that a wrong guess
 * cannot stop every payment from settling in production; `required` makes a mismatch unclear.
 */
export type QueryAnswerSignature = "optional" | "required";

/** Result of one attempt: `payment_results` `1`, `-1`, `0`. */
export type AttemptResult = "succeeded" | "pending" | "failed";

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
  /** Whether its `signValue` verified under the assumed `queryAnswer` sign string. */
  signature: "verified" | "mismatch";
  /** The refunds filed against it (`refundList`, unsigned). */
  refunds: RefundListing;
}

/** What one order's part of a query answer says. */
export type OrderAnswer =
  /** Real attempts, newest first (the gateway's order); never empty. */
  | { kind: "attempts"; attempts: QueryAttempt[] }
  | { kind: "no_attempt" }
  | { kind: "unclear"; reason: AmbiguousReason; message: string };

/** One order asked about, and how to check what comes back about it. */
export interface QueryOrderExpectation extends ResultExpectation {
  secureCode: string;
  signature: QueryAnswerSignature;
}

/**
 * **Assumed** (not published): the answer for an order number without any attempt is exactly one
 * `paymentInfo` carrying that order number, our account and terminal, and every attempt field
 * empty (unsigned). Anything else, a placeholder beside attempts included, is not "no attempt".
 */
export function isNoAttemptPlaceholder(info: PaymentInfo): boolean {
  return [info.payment_id, info.payment_results, info.payment_details, info.order_amount, info.order_currency, info.pay_barCode].every(
    (value) => value === "",
  );
}

const results: Readonly<Record<string, AttemptResult>> = { "1": "succeeded", "-1": "pending", "0": "failed" };

const unclear = (message: string, reason: AmbiguousReason = "unparseable"): OrderAnswer => ({ kind: "unclear", reason, message });

/** Reads one order's `paymentInfo` elements (newest first) into what they say about it. */
export function readOrderAnswer(infos: readonly PaymentInfo[], expected: QueryOrderExpectation): OrderAnswer {
  const order = expected.orderNumber;
  if (infos.length === 0) return unclear(`query answer omits order ${order}`);
  for (const info of infos) {
    if (info.account !== expected.account || info.terminal !== expected.terminal) {
      return unclear(`query answer for ${order} is for another account/terminal`, "mismatch");
    }
  }
  if (infos.some(isNoAttemptPlaceholder)) {
    return infos.length === 1 ? { kind: "no_attempt" } : unclear(`query answer for ${order} mixes attempts and the no-attempt placeholder`);
  }
  const attempts: QueryAttempt[] = [];
  for (const info of infos) {
    const attempt = readAttempt(info, expected);
    if ("kind" in attempt) return attempt;
    attempts.push(attempt);
  }
  return { kind: "attempts", attempts };
}

function readAttempt(info: PaymentInfo, expected: QueryOrderExpectation): QueryAttempt | OrderAnswer {
  const signed = signedAttempt(info);
  const order = expected.orderNumber;
  const malformed = info.payment_id === "" ? "payment_id" : formatProblem(signed);
  if (malformed !== undefined) return unclear(`query attempt of ${order}: ${malformed} is not in its signed format`);
  const wrong = echoProblem(signed, expected);
  if (wrong !== undefined) return unclear(`query attempt of ${order}: ${wrong} differs from the order`, "mismatch");
  const signature = verify("queryAnswer", { ...signed, payment_results: signed.status }, expected.secureCode, info.signValue) ? "verified" : "mismatch";
  if (signature === "mismatch" && expected.signature === "required") {
    return unclear(`query attempt of ${order}: signValue does not verify`, "signature_invalid");
  }
  return {
    paymentId: info.payment_id,
    result: results[info.payment_results] as AttemptResult,
    details: parsePaymentDetails(info.payment_details),
    barCode: info.pay_barCode,
    amount: info.order_amount,
    currency: info.order_currency,
    dateTime: info.payment_dateTime,
    signature,
    refunds: readRefundList(info.refundList, info.order_currency),
  };
}

/** The signed values of an attempt (no card_number or payment_authType in a query answer). */
function signedAttempt(info: PaymentInfo): SignedResult {
  const { account, terminal, order_number, order_currency, order_amount, order_notes, payment_id, payment_details, payment_risk } = info;
  return { account, terminal, order_number, order_currency, order_amount, order_notes, payment_id, status: info.payment_results, payment_details, payment_risk };
}
