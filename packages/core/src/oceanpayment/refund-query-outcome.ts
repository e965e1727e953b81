import type { GatewayFailure } from "./gateway-failure.js";
import { isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
import type { QueryAnswerSignature } from "./query-answer.js";
import { type FiledRefund, type RefundResult, refundEchoProblem, refundFormatProblem, refundFormats, refundResultOf } from "./refund-fields.js";
import { RefundQueryResponse } from "./response-schemas.js";
import { verify } from "./signature.js";
import { ambiguousAnswer, readUnsignedAnswer } from "./unsigned-answer.js";

/**
 * What a queryRefund answer means. `answered` is a refund the gateway holds, checked field by field
 * against what we asked and filed; `rejected` the query refused as sent (200xx). Any other refusal
 * (an unknown refund_id) and anything odd is no answer: a query is read-only, asked again later.
 */
export type RefundQueryOutcome =
  | {
      kind: "answered";
      refundId: string;
      result: RefundResult;
      details: PaymentDetails;
      /** Whether its `signValue` verified under the assumed `refundQueryAnswer` string (`optional` mode uses a mismatch too). */
      signature: "verified" | "mismatch";
    }
  | { kind: "rejected"; code: string; details: PaymentDetails }
  | GatewayFailure;

/** The refund asked about (by its `refund_id`), as we filed it on the payment's attempt. */
export interface RefundQueryExpectation extends FiledRefund {
  account: string;
  terminal: string;
  secureCode: string;
  orderNumber: string;
  paymentId: string;
  refundId: string;
  /** See {@link QueryAnswerSignature}; default `optional`. */
  signature?: QueryAnswerSignature;
}

/** Classifies a queryRefund body: formats first, then the echo of our refund, then the signature. */
export function classifyRefundQueryResponse(
  body: string | Uint8Array,
  statusCode: number,
  expected: RefundQueryExpectation,
  maxBytes?: number,
): RefundQueryOutcome {
  const answer = readUnsignedAnswer(RefundQueryResponse, "refund query", body, statusCode, maxBytes);
  if (!answer.ok) return answer.failure;
  const response = answer.response;
  if (response.query_status === "0") {
    const details = parsePaymentDetails(response.query_details);
    if (isRequestValidationCode(details.code)) return { kind: "rejected", code: details.code, details };
    return ambiguousAnswer(`refund query refused with code ${details.code || "none"}`, statusCode);
  }
  const malformed =
    (refundFormats.refund_currency.test(response.refund_currency) ? undefined : "refund_currency") ??
    (/^\d{1,64}$/.test(response.payment_id) ? undefined : "payment_id") ??
    refundFormatProblem(response, response.refund_currency);
  if (malformed !== undefined) return ambiguousAnswer(`refund query answer: ${malformed} is not in its signed format`, statusCode);
  const echoes: ReadonlyArray<readonly [string, string, string]> = [
    ["account", response.account, expected.account],
    ["terminal", response.terminal, expected.terminal],
    ["order_number", response.order_number, expected.orderNumber],
    ["payment_id", response.payment_id, expected.paymentId],
    ["refund_id", response.refund_id, expected.refundId],
    ["refund_currency", response.refund_currency, expected.currency],
  ];
  const wrong = echoes.find(([, got, wanted]) => got !== wanted)?.[0] ?? refundEchoProblem(response, expected);
  if (wrong !== undefined) return ambiguousAnswer(`refund query answer: ${wrong} differs from the refund`, statusCode, "mismatch", wrong);
  const signature = verify("refundQueryAnswer", response, expected.secureCode, response.signValue) ? "verified" : "mismatch";
  if (signature === "mismatch" && (expected.signature ?? "optional") === "required") {
    return ambiguousAnswer("refund query answer: signValue does not verify", statusCode, "signature_invalid");
  }
  return { kind: "answered", refundId: response.refund_id, result: refundResultOf(response.refund_status), details: parsePaymentDetails(response.refund_details), signature };
}
