import type { GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { VoidResponse } from "./response-schemas.js";
import { ambiguousAnswer, echoesDiffer, readUnsignedAnswer } from "./unsigned-answer.js";

/**
 * What a void (`payment_authType=3`) means. `refused` with 20070 (assumed) says the order already
 * succeeded: the payer keeps it `succeeded` and refunds if it must.
 */
export type VoidOutcome =
  | { kind: "voided"; details: PaymentDetails }
  | { kind: "refused"; code: string; details: PaymentDetails }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

export interface VoidExpectation {
  account: string;
  terminal: string;
  orderNumber: string;
}

/** Classifies a void body (unsigned, assumed): consistency checks stand in for a signature. */
export function classifyVoidResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: VoidExpectation,
  maxBytes?: number,
): VoidOutcome {
  const answer = readUnsignedAnswer(VoidResponse, "void", body, statusCode, maxBytes);
  if (!answer.ok) return answer.failure;
  const response = answer.response;
  const details = parsePaymentDetails(response.void_details);

  const echoes = [
    [response.account, expected.account],
    [response.terminal, expected.terminal],
    [response.order_number, expected.orderNumber],
  ] as const;
  if (echoesDiffer(echoes)) {
    return ambiguousAnswer("void answer is for another order", statusCode, "mismatch");
  }

  switch (response.void_status) {
    case "1":
      if (response.order_number === "") return ambiguousAnswer("void confirmed without order_number", statusCode, "mismatch");
      return { kind: "voided", details };
    case "0":
      if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
      return { kind: "refused", code: details.code, details };
    default:
      return ambiguousAnswer("unknown void_status", statusCode);
  }
}
