import { type ResultCode, resultCodes } from "./result-codes.js";

/**
 * Field formats of Oceanpayment requests, each answering the code of the rule it breaks (or
 * undefined when the value is fine). Published rules (docs/oceanpayment-wire.md): order_number
 * 1–50 characters, order_amount up to 2 decimals and 1–10 characters, order_currency ISO 4217,
 * noticeUrl up to 500 characters.
 */

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

// Wallet payment codes (docs/oceanpayment-wire.md): WeChat 18 digits starting 10–15, Alipay 16–24
// digits starting 25–30.
const weChatCode = /^1[0-5]\d{16}$/;
const alipayCode = /^(?:2[5-9]|30)\d{14,22}$/;

/** The method a scanned payment code belongs to, or undefined when it matches neither wallet. */
export function methodOfPaymentCode(code: string): OfflineMethod | undefined {
  if (weChatCode.test(code)) return "WeChatPay_Offline";
  if (alipayCode.test(code)) return "Alipay_Offline";
  return undefined;
}

/**
 * 1–50 characters (published). *(assumed)*: no comma, the query's separator, which would make the
 * order impossible to query, and no control character.
 */
export function orderNumberRule(value: string | undefined): ResultCode | undefined {
  if (value === undefined || value === "") return resultCodes.orderNumberEmpty;
  if ([...value].length > 50) return resultCodes.orderNumberTooLong;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[,\u0000-\u001f\u007f]/.test(value)) return resultCodes.invalidOrderNumber;
  return undefined;
}

const currencies = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code the runtime knows (three upper-case letters). */
export function currencyRule(value: string | undefined): ResultCode | undefined {
  if (value === undefined || value === "") return resultCodes.currencyEmpty;
  if (!/^[A-Z]{3}$/.test(value) || !currencies.has(value)) return resultCodes.currencyInvalid;
  return undefined;
}

/** Built once per currency: an Intl.NumberFormat per call was a tenth of the sandbox's CPU under load. */
const decimalsByCurrency = new Map<string, number>();

/**
 * Decimals a currency's amounts may carry: its ISO 4217 minor units (the platform's data), at
 * most 2 because Oceanpayment carries at most 2. JPY and KRW 0, USD 2, KWD/BHD/OMR 2.
 */
export function currencyDecimals(currency: string): number {
  let decimals = decimalsByCurrency.get(currency);
  if (decimals === undefined) {
    const minorUnits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    decimals = Math.min(minorUnits, 2);
    decimalsByCurrency.set(currency, decimals);
  }
  return decimals;
}

// At most 2 decimals, no sign, no exponent, no leading zero; 1–10 characters in all.
const amountFormat = /^(?:0|[1-9]\d*)(?:\.\d{1,2})?$/;

/**
 * order_amount against its (already valid) currency: present (20019), well-formed (20020), not
 * zero and with no non-zero digit beyond the currency's decimals (20021: JPY 12.50; JPY 12.00 is
 * twelve yen).
 */
export function amountRule(amount: string | undefined, currency: string): ResultCode | undefined {
  if (amount === undefined || amount === "") return resultCodes.amountEmpty;
  if (amount.length > 10 || !amountFormat.test(amount)) return resultCodes.amountFormat;
  const [whole = "", fraction = ""] = amount.split(".");
  if (/^0*$/.test(whole + fraction)) return resultCodes.amountInvalid;
  if (/[1-9]/.test(fraction.slice(currencyDecimals(currency)))) return resultCodes.amountInvalid;
  return undefined;
}

/** Minor units (hundredths) of a well-formed amount, or undefined when it is not one (> 0, ≤ 2 decimals). */
export function amountToCents(value: string | undefined): number | undefined {
  if (value === undefined || value.length > 10 || !amountFormat.test(value)) return undefined;
  const [whole = "0", fraction = ""] = value.split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return cents > 0 ? cents : undefined;
}

/**
 * Decimal string of hundredths with the currency's decimals, for amounts the sandbox computes or
 * normalises (ledger sums, refund amounts): `1205` USD → `12.05`, `120000` JPY → `1200`.
 */
export function centsToAmount(cents: number, currency: string): string {
  const whole = String(Math.floor(cents / 100));
  const decimals = currencyDecimals(currency);
  return decimals === 0 ? whole : `${whole}.${String(cents % 100).padStart(2, "0").slice(0, decimals)}`;
}

/** noticeUrl: optional (empty: no notices), at most 500 characters. */
export function noticeUrlRule(value: string): ResultCode | undefined {
  return value.length > 500 ? resultCodes.noticeUrlTooLong : undefined;
}
