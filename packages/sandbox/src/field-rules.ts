import { type SignedMessage, verify } from "@oceanpos/core/oceanpayment";
import { type ResultCode, resultCodes } from "./result-codes.js";

/** A form-urlencoded request body: every value a string, absent fields undefined. */
export type FormFields = Readonly<Record<string, string | undefined>>;

/** The terminal's secureCode, or undefined when the sandbox does not know the terminal. */
export type CredentialsLookup = (terminal: string) => string | undefined;

/** The two face-to-face methods Oceanpayment offers (Alipay_Offline is unconfirmed, see shared docs). */
export const offlineMethods = ["WeChatPay_Offline", "Alipay_Offline"] as const;
export type OfflineMethod = (typeof offlineMethods)[number];

export function isOfflineMethod(value: string): value is OfflineMethod {
  return (offlineMethods as readonly string[]).includes(value);
}

// Wallet payment codes (shared/oceanpayment.md): WeChat 18 digits starting 10–15, Alipay 16–24
// digits starting 25–30.
const weChatCode = /^1[0-5]\d{16}$/;
const alipayCode = /^(?:2[5-9]|30)\d{14,22}$/;

/** The method a scanned payment code belongs to, or undefined when it matches neither wallet. */
export function methodOfPaymentCode(code: string): OfflineMethod | undefined {
  if (weChatCode.test(code)) return "WeChatPay_Offline";
  if (alipayCode.test(code)) return "Alipay_Offline";
  return undefined;
}

/** 1–50 of `[A-Za-z0-9_-]`: the contract's rule, which also keeps commas (query lists) out. */
export function isOrderNumber(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{1,50}$/.test(value);
}

const currencies = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code the runtime knows (three upper-case letters). */
export function isCurrency(value: string | undefined): value is string {
  return value !== undefined && /^[A-Z]{3}$/.test(value) && currencies.has(value);
}

const amountPattern = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,2})?$/;

/** Minor units of a decimal amount string, or undefined when it is not one (> 0, ≤ 2 decimals). */
export function amountToCents(value: string | undefined): number | undefined {
  if (value === undefined || !amountPattern.test(value)) return undefined;
  const [whole = "0", fraction = ""] = value.split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return cents > 0 ? cents : undefined;
}

/** Decimal string of minor units, for amounts the sandbox computes (refund balances). */
export function centsToAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** Empty (no notices wanted) or an http(s) URL of at most 500 characters. */
export function isNoticeUrl(value: string): boolean {
  if (value === "") return true;
  if (value.length > 500) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export type SignedCheck =
  | { ok: true; account: string; terminal: string; secureCode: string }
  | { ok: false; result: ResultCode; secureCode: string | undefined };

/**
 * The checks every protocol request starts with, in the order a gateway can make them: who is
 * asking (20001/20002), is the terminal known (20003, needed for its secureCode), and does
 * `signValue` verify over the message's field order (20013). A missing signValue is a wrong one.
 */
export function checkSigned(fields: FormFields, lookup: CredentialsLookup, message: SignedMessage): SignedCheck {
  const { account, terminal } = fields;
  if (!account || !terminal) return { ok: false, result: resultCodes.missingCredentials, secureCode: undefined };
  if (!/^[A-Za-z0-9]{6}$/.test(account)) return { ok: false, result: resultCodes.invalidAccount, secureCode: undefined };
  const secureCode = lookup(terminal);
  if (secureCode === undefined) return { ok: false, result: resultCodes.unknownTerminal, secureCode: undefined };
  if (!verify(message, fields, secureCode, fields.signValue)) {
    return { ok: false, result: resultCodes.badSignature, secureCode };
  }
  return { ok: true, account, terminal, secureCode };
}
