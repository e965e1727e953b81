import { sameAmount } from "./decimal-amount.js";
import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { gatewayCodes, isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { parsePayResult } from "./parse-pay-result.js";
import type { PayResult } from "./response-schemas.js";

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

/** What the response must echo back: anything else is a response to some other request. */
export interface PayExpectation {
  account: string;
  terminal: string;
  orderNumber: string;
  currency: string;
  amount: string;
  secureCode: string;
}

function mismatch(result: PayResult, expected: PayExpectation): string | undefined {
  if (result.account !== expected.account || result.terminal !== expected.terminal) return "account/terminal";
  // A refused request (status 0) may leave the order fields empty; a success or pending may not.
  const lenient = result.payment_status === "0";
  const differs = (value: string, wanted: string, same = (a: string, b: string) => a === b) =>
    !(lenient && value === "") && !same(value, wanted);
  if (differs(result.order_number, expected.orderNumber)) return "order_number";
  if (differs(result.order_currency, expected.currency)) return "order_currency";
  if (differs(result.order_amount, expected.amount, sameAmount)) return "order_amount";
  return undefined;
}

function ambiguous(reason: AmbiguousFailure["reason"], message: string, statusCode: number, code?: string): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode, ...(code === undefined ? {} : { code }) };
}

/**
 * Classifies a received pay response body. Order matters: nothing is believed before the signature
 * verifies and the echoed order matches; 20061 and 80031 win over the status because they say the
 * status does not describe the order.
 */
export function classifyPayResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: PayExpectation,
  maxBytes?: number,
): PayOutcome {
  const parsed = parsePayResult(body, expected.secureCode, { maxBytes });
  if (!parsed.ok) return ambiguous(parsed.reason, parsed.message, statusCode);
  const result = parsed.result;
  const wrongField = mismatch(result, expected);
  if (wrongField !== undefined) return ambiguous("mismatch", `response ${wrongField} differs from the request`, statusCode);

  const details = parsePaymentDetails(result.payment_details);
  const paymentId = result.payment_id;
  if (details.code === gatewayCodes.duplicateOrder) return { kind: "duplicate_order", details };
  if (details.code === gatewayCodes.timeoutUncertain) {
    return ambiguous("gateway_timeout", "gateway reported a time-out (80031)", statusCode, details.code);
  }
  switch (result.payment_status) {
    case "1":
      if (paymentId === "") return ambiguous("unparseable", "success without payment_id", statusCode, details.code);
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
