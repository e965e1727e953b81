import { GatewayXmlError } from "./errors.js";
import { PayResult } from "./response-schemas.js";
import { formatProblem, type SignedResult } from "./result-fields.js";
import { verify } from "./signature.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * Parse, shape-check, format-check and signature-check a pay response or transaction notice. Used
 * by the client for the synchronous answer and by the notice receiver, so both trust exactly the
 * same documents. A signature is only checked over fields whose formats hold (`result-fields.ts`):
 * a genuine signature over shifted fields proves nothing.
 */
export type ParsedPayResult =
  | { ok: true; result: PayResult }
  | { ok: false; reason: "unparseable" | "malformed_field" | "signature_invalid"; message: string; field?: string };

export type ShapedPayResult =
  | { ok: true; result: PayResult }
  | { ok: false; reason: "unparseable" | "malformed_field"; message: string; field?: string };

export interface ParsePayResultOptions {
  /** Largest document accepted; default 64 KiB. */
  maxBytes?: number;
}

/** The signed values of a payment result, in the shape `result-fields.ts` checks. */
export function signedPayResult(result: PayResult): SignedResult {
  return { ...result, status: result.payment_status };
}

/** True when `signValue` matches the `paymentResult` fields under this terminal's secureCode. */
export function verifyPayResult(result: PayResult, secureCode: string): boolean {
  return verify("paymentResult", result, secureCode, result.signValue);
}

/** Shape and field formats of a parsed document (`parseGatewayXml` output); no signature check. */
export function shapePayResult(tree: unknown): ShapedPayResult {
  const shaped = PayResult.safeParse(tree);
  if (!shaped.success) {
    const issue = shaped.error.issues[0];
    return { ok: false, reason: "unparseable", message: `unexpected pay result shape at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}` };
  }
  const field = formatProblem(signedPayResult(shaped.data));
  if (field !== undefined) return { ok: false, reason: "malformed_field", message: `${field} is not in its signed format`, field };
  return { ok: true, result: shaped.data };
}

export function parsePayResult(
  body: string | Uint8Array,
  secureCode: string,
  options: ParsePayResultOptions = {},
): ParsedPayResult {
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes: options.maxBytes });
  } catch (error) {
    if (error instanceof GatewayXmlError) return { ok: false, reason: "unparseable", message: error.message };
    throw error;
  }
  const shaped = shapePayResult(tree);
  if (!shaped.ok) return shaped;
  if (!verifyPayResult(shaped.result, secureCode)) {
    return { ok: false, reason: "signature_invalid", message: "signValue does not match the terminal's secureCode" };
  }
  return shaped;
}
