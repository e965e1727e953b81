import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { GatewayXmlError } from "./errors.js";
import { RefundResponse } from "./response-schemas.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * What a refund application means. `accepted` only says Oceanpayment took the request: the money
 * moves later (refund query or a `refund` / `partialRefund` notice).
 */
export type RefundOutcome =
  | { kind: "accepted"; refundId: string; details: PaymentDetails }
  | { kind: "refused"; code: string; details: PaymentDetails }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

function ambiguous(message: string, statusCode: number, reason: AmbiguousFailure["reason"] = "unparseable"): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode };
}

export interface RefundExpectation {
  account: string;
  terminal: string;
  paymentId: string;
  refundNumber: string;
}

/** Classifies a refund body (unsigned, assumed): consistency checks stand in for a signature. */
export function classifyRefundResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: RefundExpectation,
  maxBytes?: number,
): RefundOutcome {
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes });
  } catch (error) {
    if (error instanceof GatewayXmlError) return ambiguous(error.message, statusCode);
    throw error;
  }
  const shaped = RefundResponse.safeParse(tree);
  if (!shaped.success) return ambiguous("unexpected refund response shape", statusCode);
  const response = shaped.data;
  const details = parsePaymentDetails(response.refund_details);

  const echoes = [
    [response.account, expected.account],
    [response.terminal, expected.terminal],
    [response.payment_id, expected.paymentId],
    [response.refund_number, expected.refundNumber],
  ] as const;
  if (echoes.some(([got, wanted]) => got !== "" && got !== wanted)) {
    return ambiguous("refund answer is for another payment or refund", statusCode, "mismatch");
  }

  switch (response.refund_results) {
    case "1":
      return { kind: "accepted", refundId: response.refund_id, details };
    case "0":
      if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
      return { kind: "refused", code: details.code, details };
    default:
      return ambiguous("unknown refund_results", statusCode);
  }
}
