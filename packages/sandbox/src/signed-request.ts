import type { CredentialsLookup, FormFields } from "./field-rules.js";
import { type ResultCode, resultCodes } from "./result-codes.js";
import { verifyDocument } from "./signature.js";
import type { SignedDocument } from "./signature-orders.js";

export type SignedCheck =
  | { ok: true; account: string; terminal: string; secureCode: string }
  | { ok: false; result: ResultCode; secureCode: string | undefined };

/**
 * The checks every protocol request starts with, in the order a gateway can make them: who is
 * asking (20001, 20002), is there a signature (20003), does the pair exist (20004: an account of
 * 6 characters, a terminal the sandbox knows, which also gives its secureCode), and does
 * `signValue` verify over the document's field order (20013). `signed` are the values the gateway
 * hashes: the request's own unless it normalises some first (billing, for a pay request).
 */
export function checkSigned(
  fields: FormFields,
  lookup: CredentialsLookup,
  document: SignedDocument,
  signed: FormFields = fields,
): SignedCheck {
  const { account, terminal, signValue } = fields;
  const refuse = (result: ResultCode, secureCode?: string): SignedCheck => ({ ok: false, result, secureCode });
  if (!account) return refuse(resultCodes.accountEmpty);
  if (!terminal) return refuse(resultCodes.terminalEmpty);
  if (!signValue) return refuse(resultCodes.signValueEmpty);
  const secureCode = lookup(terminal);
  if (secureCode === undefined || !/^[A-Za-z0-9]{6}$/.test(account)) return refuse(resultCodes.accountTerminalMismatch);
  if (!verifyDocument(document, signed, secureCode, signValue)) return refuse(resultCodes.badSignature, secureCode);
  return { ok: true, account, terminal, secureCode };
}
