/**
 * Money is a decimal string end to end. These helpers compare and validate amounts without ever
 * turning them into floating-point numbers.
 */
const amountPattern = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/;

/** True for `"12.50"`, `"0.01"`, `"7"`; false for `"0"`, `"12.505"`, `"1e2"`, `"012"`, `"-1"`, `".5"`. */
export function isValidAmount(value: string): boolean {
  return amountPattern.test(value) && toMinorUnits(value) > 0n;
}

/** `"12.5"` → `1250n`. Assumes a valid amount (see {@link isValidAmount}). */
export function toMinorUnits(value: string): bigint {
  const [whole = "0", fraction = ""] = value.split(".");
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
}

/** Equal amounts whatever their spelling: `"12.5"` equals `"12.50"`. */
export function sameAmount(a: string, b: string): boolean {
  return amountPattern.test(a) && amountPattern.test(b) && toMinorUnits(a) === toMinorUnits(b);
}
