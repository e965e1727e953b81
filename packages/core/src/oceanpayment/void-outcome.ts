import type { AmbiguousFailure, GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import { GatewayXmlError } from "./errors.js";
import { VoidResponse } from "./response-schemas.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * What a void (`payment_authType=3`) means. `refused` with 20070 (assumed) says the order already
 * succeeded: the payer keeps it `succeeded` and refunds if it must.
 */
export type VoidOutcome =
  | { kind: "voided"; details: PaymentDetails }
  | { kind: "refused"; code: string; details: PaymentDetails }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

function ambiguous(message: string, statusCode: number, reason: AmbiguousFailure["reason"] = "unparseable"): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode };
}

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
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes });
  } catch (error) {
    if (error instanceof GatewayXmlError) return ambiguous(error.message, statusCode);
    throw error;
  }
  const shaped = VoidResponse.safeParse(tree);
  if (!shaped.success) return ambiguous("unexpected void response shape", statusCode);
  const response = shaped.data;
  const details = parsePaymentDetails(response.void_details);

  // A refused request may echo nothing; an answer about another order is never believed.
  const echoes = [
    [response.account, expected.account],
    [response.terminal, expected.terminal],
    [response.order_number, expected.orderNumber],
  ] as const;
  if (echoes.some(([got, wanted]) => got !== "" && got !== wanted)) {
    return ambiguous("void answer is for another order", statusCode, "mismatch");
  }

  switch (response.void_status) {
    case "1":
      if (response.order_number === "") return ambiguous("void confirmed without order_number", statusCode, "mismatch");
      return { kind: "voided", details };
    case "0":
      if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
      return { kind: "refused", code: details.code, details };
    default:
      return ambiguous("unknown void_status", statusCode);
  }
}
