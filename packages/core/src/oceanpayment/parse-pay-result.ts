import { GatewayXmlError } from "./errors.js";
import { PayResult } from "./response-schemas.js";
import { verify } from "./signature.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * Parse, shape-check and signature-check a pay response or transaction notice. Used by the client
 * for the synchronous answer and by the notice receiver, so both trust exactly the same documents.
 */
export type ParsedPayResult =
  | { ok: true; result: PayResult }
  | { ok: false; reason: "unparseable" | "signature_invalid"; message: string };

export interface ParsePayResultOptions {
  /** Largest document accepted; default 64 KiB. */
  maxBytes?: number;
}

/** True when `signValue` matches the `paymentResult` fields under this terminal's secureCode. */
export function verifyPayResult(result: PayResult, secureCode: string): boolean {
  return verify("paymentResult", result, secureCode, result.signValue);
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
  const shaped = PayResult.safeParse(tree);
  if (!shaped.success) {
    const issue = shaped.error.issues[0];
    return { ok: false, reason: "unparseable", message: `unexpected pay result shape at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}` };
  }
  if (!verifyPayResult(shaped.data, secureCode)) {
    return { ok: false, reason: "signature_invalid", message: "signValue does not match the terminal's secureCode" };
  }
  return { ok: true, result: shaped.data };
}
