import { createHash, timingSafeEqual } from "node:crypto";
import { type SignedDocument, signatureOrders } from "./signature-orders.js";

/** A document's values by element or form name; a missing one contributes `""`. */
export type SignedValues = Readonly<Record<string, string | undefined>>;

/** SHA-256 hex of a concatenation ending with the secureCode: the one hashing primitive. */
export function sha256Hex(concatenation: string): string {
  return createHash("sha256").update(concatenation, "utf8").digest("hex");
}

/** Values in the document's field order, then the secureCode, with no separator. */
export function signedString(document: SignedDocument, values: SignedValues, secureCode: string): string {
  return signatureOrders[document].map((name) => values[name] ?? "").join("") + secureCode;
}

/**
 * The `signValue` the emulator puts on what it sends: upper-case hex, as in every document
 * Oceanpayment publishes (the notice and the query answer samples). *(assumed)* case; receivers
 * must compare case-insensitively anyway (docs/oceanpayment-wire.md), which this keeps honest.
 */
export function signDocument(document: SignedDocument, values: SignedValues, secureCode: string): string {
  return sha256Hex(signedString(document, values, secureCode)).toUpperCase();
}

/** Checks a received `signValue`: 64 hex digits in either case, compared in constant time. */
export function verifyDocument(
  document: SignedDocument,
  values: SignedValues,
  secureCode: string,
  received: string | undefined,
): boolean {
  if (received === undefined || !/^[0-9a-fA-F]{64}$/.test(received)) return false;
  const expected = Buffer.from(sha256Hex(signedString(document, values, secureCode)), "hex");
  return timingSafeEqual(expected, Buffer.from(received, "hex"));
}

/** Fault injection: changes the last hex digit, so the value still looks right and only verification exposes it. */
export function corruptSignature(signValue: string): string {
  if (signValue === "") return "0".repeat(64);
  return signValue.slice(0, -1) + (signValue.endsWith("0") ? "1" : "0");
}
