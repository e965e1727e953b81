import type { z } from "zod";
import { GatewayXmlError } from "./errors.js";
import type { AmbiguousFailure } from "./gateway-failure.js";
import { parseGatewayXml } from "./xml-parser.js";

/**
 * Shared reading of the answers Oceanpayment does not sign (void, refund; assumed): nothing is
 * believed unless it parses, has the expected shape and echoes what we asked about.
 */
export function ambiguousAnswer(message: string, statusCode: number, reason: AmbiguousFailure["reason"] = "unparseable", field?: string): AmbiguousFailure {
  return { kind: "ambiguous", reason, message, statusCode, ...(field !== undefined ? { field } : {}) };
}

export type UnsignedAnswer<T> = { ok: true; response: T } | { ok: false; failure: AmbiguousFailure };

/** Parses and shapes an unsigned answer; `what` names it in messages ("void", "refund"). */
export function readUnsignedAnswer<S extends z.ZodType>(
  schema: S,
  what: string,
  body: string | Uint8Array,
  statusCode: number,
  maxBytes?: number,
): UnsignedAnswer<z.output<S>> {
  let tree: unknown;
  try {
    tree = parseGatewayXml(body, { maxBytes });
  } catch (error) {
    if (error instanceof GatewayXmlError) return { ok: false, failure: ambiguousAnswer(error.message, statusCode) };
    throw error;
  }
  const shaped = schema.safeParse(tree);
  if (!shaped.success) return { ok: false, failure: ambiguousAnswer(`unexpected ${what} response shape`, statusCode) };
  return { ok: true, response: shaped.data };
}

/** A refused request may echo nothing; an answer about another order is never believed. */
export function echoesDiffer(pairs: ReadonlyArray<readonly [got: string, wanted: string]>): boolean {
  return pairs.some(([got, wanted]) => got !== "" && got !== wanted);
}
