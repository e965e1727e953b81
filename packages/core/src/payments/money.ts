/**
 * Money is a decimal string end to end. These helpers check and compare amounts textually, so that
 * `0.1 + 0.2` style binary rounding can never change what is charged, signed or compared. The
 * protocol sends and compares amounts with them too (`oceanpayment/`); the API adds an upper bound
 * on digits ({@link isValidAmount}).
 */

/** What we send: no sign, no exponent, no leading zeros, at most 2 decimals (`0.01`, `12.5`, `100`). */
const outgoing = /^(0|[1-9]\d*)(\.\d{1,2})?$/;
/** What we accept back from the gateway for comparison (it may pad: `012.50`). */
const incoming = /^\d+(\.\d+)?$/;

/** Oceanpayment carries at most 2 decimals, whatever the currency's minor units. */
export const maxGatewayDecimals = 2;

const decimalsByCurrency = new Map<string, number>();

/**
 * Decimals an amount in `currency` may carry: the currency's ISO 4217 minor units, from the
 * platform's own ISO 4217 data (ICU, through `Intl.NumberFormat`), capped at
 * {@link maxGatewayDecimals}: JPY and KRW 0, USD 2, KWD/BHD/OMR 2. Undefined when `currency` is not
 * three capital letters. Refunds follow the same rule as payments.
 */
export function currencyDecimals(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  let decimals = decimalsByCurrency.get(currency);
  if (decimals === undefined) {
    // Building a NumberFormat costs more than the rest of a request's validation: once per code.
    const minorUnits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? maxGatewayDecimals;
    decimals = Math.min(minorUnits, maxGatewayDecimals);
    decimalsByCurrency.set(currency, decimals);
  }
  return decimals;
}

/**
 * Why `amount` (a plain decimal string) cannot be an amount in `currency`, or undefined when it
 * can: it is written with more decimals than {@link currencyDecimals} allows. Textual, so `12.00`
 * is refused for JPY: what is sent is what was given.
 */
export function currencyAmountProblem(amount: string, currency: string): string | undefined {
  const allowed = currencyDecimals(currency);
  if (allowed === undefined) return undefined;
  const written = amount.split(".")[1]?.length ?? 0;
  if (written <= allowed) return undefined;
  return allowed === 0 ? `${currency} amounts are whole numbers` : `${currency} amounts take at most ${allowed} decimals`;
}

/** True for an amount we may send, zero included (free items). */
export function isDecimalAmount(value: string): boolean {
  return outgoing.test(value);
}

/** True for an amount we may send that is greater than zero (order and refund amounts). */
export function isPositiveAmount(value: string): boolean {
  return outgoing.test(value) && /[1-9]/.test(value);
}

/** `012.50` → `12.5`, `0.00` → `0`; undefined when the text is not a plain decimal. */
export function canonicalAmount(value: string): string | undefined {
  if (!incoming.test(value)) return undefined;
  const [intPart = "", fraction = ""] = value.split(".");
  const int = intPart.replace(/^0+(?=\d)/, "");
  const frac = fraction.replace(/0+$/, "");
  return frac === "" ? int : `${int}.${frac}`;
}

/** Same amount written two ways (`12.5` and `12.50`)? False if either is not a plain decimal. */
export function sameAmount(a: string, b: string): boolean {
  const left = canonicalAmount(a);
  return left !== undefined && left === canonicalAmount(b);
}

/** The API's upper bound on whole digits of an amount. */
const maxWholeDigits = 12;

/** True for `"12.50"`, `"0.01"`, `"7"`; false for `"0"`, `"12.505"`, `"1e2"`, `"012"`, `"-1"`, `".5"`. */
export function isValidAmount(value: string): boolean {
  return isPositiveAmount(value) && (value.split(".")[0] ?? "").length <= maxWholeDigits;
}

/** `"12.5"` → `1250n`. Assumes a valid amount (see {@link isValidAmount}). */
export function toMinorUnits(value: string): bigint {
  const [whole = "0", fraction = ""] = value.split(".");
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
}

/**
 * `value` in integer minor units of `currency` (`"12.5"` USD → `1250n`, `"500"` JPY → `500n`), as
 * refunds are summed against their payment; undefined when it is not a plain decimal, the currency
 * is unknown, or it is written with more decimals than {@link currencyDecimals} allows.
 */
export function toCurrencyMinor(value: string, currency: string): bigint | undefined {
  const decimals = currencyDecimals(currency);
  if (decimals === undefined || !incoming.test(value)) return undefined;
  const [whole = "0", fraction = ""] = value.split(".");
  if (fraction.length > decimals) return undefined;
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** Minor units of `currency` as its decimal string (`1250n` USD → `"12.50"`, `0n` JPY → `"0"`); below zero reads as zero. */
export function formatCurrencyMinor(minor: bigint, currency: string): string {
  const decimals = currencyDecimals(currency) ?? maxGatewayDecimals;
  const units = (minor < 0n ? 0n : minor).toString().padStart(decimals + 1, "0");
  return decimals === 0 ? units : `${units.slice(0, -decimals)}.${units.slice(-decimals)}`;
}
