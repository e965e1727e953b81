/**
 * Money is a decimal string end to end. These helpers check and compare amounts textually, so that
 * `0.1 + 0.2` style binary rounding can never change what is charged, signed or compared.
 */

/** What we send: no sign, no exponent, no leading zeros, at most 2 decimals (`0.01`, `12.5`, `100`). */
const outgoing = /^(0|[1-9]\d*)(\.\d{1,2})?$/;
/** What we accept back from the gateway for comparison (it may pad: `012.50`). */
const incoming = /^\d+(\.\d+)?$/;

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
