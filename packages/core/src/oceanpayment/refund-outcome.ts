import type { GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { RefundResponse } from "./response-schemas.js";
import { ambiguousAnswer, echoesDiffer, readUnsignedAnswer } from "./unsigned-answer.js";

/**
 * What a refund application means. `accepted` only says Oceanpayment took the request: the money
 * moves later (refund query or a `refund` / `partialRefund` notice).
 */
export type RefundOutcome =
  | { kind: "accepted"; refundId: string; details: PaymentDetails }
  | { kind: "refused"; code: string; details: PaymentDetails }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

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
  const answer = readUnsignedAnswer(RefundResponse, "refund", body, statusCode, maxBytes);
  if (!answer.ok) return answer.failure;
  const response = answer.response;
  const details = parsePaymentDetails(response.refund_details);

  const echoes = [
    [response.account, expected.account],
    [response.terminal, expected.terminal],
    [response.payment_id, expected.paymentId],
    [response.refund_number, expected.refundNumber],
  ] as const;
  if (echoesDiffer(echoes)) {
    return ambiguousAnswer("refund answer is for another payment or refund", statusCode, "mismatch");
  }

  switch (response.refund_results) {
    case "1":
      return { kind: "accepted", refundId: response.refund_id, details };
    case "0":
      if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
      return { kind: "refused", code: details.code, details };
    default:
      return ambiguousAnswer("unknown refund_results", statusCode);
  }
}
