import { currencyDecimals, sameAmount } from "../payments/money.js";
import { gatewayCodes, parsePaymentDetails } from "./gateway-codes.js";
import { maxResultTextLength } from "./result-fields.js";

/**
 * What the refund fields of a gateway answer may look like (the queryRefund answer, a query's
 * `refundList`), as `result-fields.ts` says it for payment results: the values are signed joined
 * with no separator, so each field's strict format is checked before its signature is trusted,
 * and an answer must echo the refund exactly as we filed it. Source: docs/oceanpayment-wire.md.
 */

/** A refund's result at the gateway: `refund_status` `1`, `-1`, `0`. */
export type RefundResult = "succeeded" | "pending" | "failed";

const results: Readonly<Record<string, RefundResult>> = { "1": "succeeded", "-1": "pending", "0": "failed" };

export const refundFormats = {
  refund_id: /^\d{1,64}$/,
  /** Ours (the same alphabet as an order number); empty for a refund filed without one. */
  refund_number: /^[A-Za-z0-9_-]{0,50}$/,
  refund_status: /^(?:-1|0|1)$/,
  /** At most 2 decimals, no sign, no exponent; the currency's decimals are checked on top. */
  refund_amount: /^\d{1,14}(?:\.\d{1,2})?$/,
  refund_currency: /^[A-Z]{3}$/,
  /** Empty while pending, else a five-digit code, a colon and one line of text. */
  refund_details: /^(?:\d{5}:[^\p{Cc}]*)?$/u,
} as const;

/** The refund fields every answer about a refund carries. */
export interface RefundFacts {
  refund_id: string;
  refund_number: string;
  refund_amount: string;
  refund_status: string;
  refund_details: string;
}

/** The refund as we filed it: every answer about it must echo this. */
export interface FiledRefund {
  refundNumber: string;
  /** Decimal string, compared as a decimal. */
  amount: string;
  /** The payment's currency, in which the amount must have no more decimals than it takes. */
  currency: string;
}

/**
 * The first refund field whose format is wrong, or undefined. Also refuses what no genuine answer
 * says: a success without the approval code, a failure without a code.
 */
export function refundFormatProblem(facts: RefundFacts, currency: string): string | undefined {
  if (!refundFormats.refund_id.test(facts.refund_id)) return "refund_id";
  if (!refundFormats.refund_number.test(facts.refund_number)) return "refund_number";
  if (!refundFormats.refund_status.test(facts.refund_status)) return "refund_status";
  const decimals = facts.refund_amount.split(".")[1]?.length ?? 0;
  if (!refundFormats.refund_amount.test(facts.refund_amount) || decimals > (currencyDecimals(currency) ?? 0)) return "refund_amount";
  const details = facts.refund_details;
  if (!refundFormats.refund_details.test(details) || details.length > maxResultTextLength) return "refund_details";
  const code = parsePaymentDetails(details).code;
  if (facts.refund_status === "1" && code !== gatewayCodes.approved) return "refund_details";
  if (facts.refund_status === "0" && (code === "" || code === gatewayCodes.approved)) return "refund_details";
  return undefined;
}

/** The first field that is not the refund as we filed it, or undefined. */
export function refundEchoProblem(facts: RefundFacts, filed: FiledRefund): string | undefined {
  if (facts.refund_number !== filed.refundNumber) return "refund_number";
  if (!sameAmount(facts.refund_amount, filed.amount)) return "refund_amount";
  return undefined;
}

/** The result a well-formed `refund_status` says (call after {@link refundFormatProblem}). */
export function refundResultOf(status: string): RefundResult {
  return results[status] as RefundResult;
}
