import { createHash, timingSafeEqual } from "node:crypto";
import { type SignedMessage, signatureFields } from "./signature-fields.js";

/** The exact string that is hashed: field values in table order, no separators, then the secureCode. */
export function signingString(
  message: SignedMessage,
  fields: Readonly<Record<string, string | undefined>>,
  secureCode: string,
): string {
  return signatureFields[message].map((name) => fields[name] ?? "").join("") + secureCode;
}

/** `signValue` of a message: lowercase hex SHA-256 of its signing string. */
export function sign(
  message: SignedMessage,
  fields: Readonly<Record<string, string | undefined>>,
  secureCode: string,
): string {
  return createHash("sha256").update(signingString(message, fields, secureCode), "utf8").digest("hex");
}

/** Checks a received `signValue`: case-insensitive, constant-time, false for anything malformed. */
export function verify(
  message: SignedMessage,
  fields: Readonly<Record<string, string | undefined>>,
  secureCode: string,
  received: string | undefined,
): boolean {
  if (typeof received !== "string" || !/^[0-9a-fA-F]{64}$/.test(received)) return false;
  const expected = Buffer.from(sign(message, fields, secureCode), "hex");
  return timingSafeEqual(expected, Buffer.from(received, "hex"));
}
