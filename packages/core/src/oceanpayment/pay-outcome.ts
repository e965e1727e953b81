import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { gatewayCodes, isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { parsePayResult, signedPayResult } from "./parse-pay-result.js";
import { echoProblem, type ResultExpectation } from "./result-fields.js";

/**
 * What one `directservice/pay` call means for the payer. Only `succeeded` and `failed` are final;
 * `duplicate_order` and `ambiguous` are settled by a query, `pending` / `awaiting_customer` by the
 * notice or a query, `retryable` by sending the same order again.
 */
export type PayOutcome =
  | { kind: "succeeded"; paymentId: string; details: PaymentDetails }
  | { kind: "failed"; code: string; paymentId: string; details: PaymentDetails }
  /** Merchant scanned: the customer is confirming in the wallet. */
  | { kind: "pending"; paymentId: string; details: PaymentDetails }
  /** Customer scans: show `barCode` as a QR code; the result comes by notice. */
  | { kind: "awaiting_customer"; paymentId: string; barCode: string; details: PaymentDetails }
  /** 20061: this order number already succeeded. Never a failure: query it. */
  | { kind: "duplicate_order"; details: PaymentDetails }
  /** 20001–20055 (20013 wrong signature included): the request as sent is refused. Never retry. */
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

export type PayOutcomeKind = PayOutcome["kind"];

/** For exhaustive `switch`es over outcome kinds: a new kind becomes a compile error. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** What the response must echo back (the order as sent, on its terminal): anything else answers another request. */
export interface PayExpectation extends ResultExpectation {
  secureCode: string;
}

function ambiguous(reason: AmbiguousFailure["reason"], message: string, statusCode: number, code?: string): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode, ...(code === undefined ? {} : { code }) };
}

/**
 * Classifies a received pay response body. Order matters: nothing is believed before the fields'
 * formats hold, the signature verifies and the echoed order is ours, exactly; 20061 and 80031 win
 * over the status because they say the status does not describe the order. A success without a
 * payment_id and the approval code is not a success (formats refuse it): ambiguous, settle by query.
 */
export function classifyPayResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: PayExpectation,
  maxBytes?: number,
): PayOutcome {
  const parsed = parsePayResult(body, expected.secureCode, { maxBytes });
  if (!parsed.ok) return ambiguous(parsed.reason === "signature_invalid" ? "signature_invalid" : "unparseable", parsed.message, statusCode);
  const result = parsed.result;
  const wrongField = echoProblem(signedPayResult(result), expected);
  if (wrongField !== undefined) return ambiguous("mismatch", `response ${wrongField} differs from the request`, statusCode);

  const details = parsePaymentDetails(result.payment_details);
  const paymentId = result.payment_id;
  if (details.code === gatewayCodes.duplicateOrder) return { kind: "duplicate_order", details };
  if (details.code === gatewayCodes.timeoutUncertain) {
    return ambiguous("gateway_timeout", "gateway reported a time-out (80031)", statusCode, details.code);
  }
  switch (result.payment_status) {
    case "1":
      return { kind: "succeeded", paymentId, details };
    case "-1":
      if (result.pay_barCode !== "") return { kind: "awaiting_customer", paymentId, barCode: result.pay_barCode, details };
      return { kind: "pending", paymentId, details };
    case "0":
      if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
      return { kind: "failed", code: details.code, paymentId, details };
    default:
      return ambiguous("unparseable", "unknown payment_status", statusCode, details.code);
  }
}
