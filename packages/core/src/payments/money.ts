import { isPositiveAmount } from "../oceanpayment/decimal-amount.js";

/**
 * Money is a decimal string end to end. The textual rules live with the protocol
 * (`oceanpayment/decimal-amount.ts`); the API adds an upper bound on digits.
 */
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

export { currencyAmountProblem, currencyDecimals, sameAmount } from "../oceanpayment/decimal-amount.js";
