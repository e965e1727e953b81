/**
 * Amounts as the back office shows and totals them (the ledger's reports, exports and
 * reconciliations): exact decimal text with the currency's own ISO 4217 decimals, never a float.
 * Unlike `currencyDecimals` (money.ts) (what an amount sent to the gateway may carry, capped at its 2
 * decimals), these are the currency's full minor units (KWD 3), for amounts that were summed or
 * came from elsewhere.
 */
const digitsByCurrency = new Map<string, number>();

/**
 * Decimals of a currency (ISO 4217 minor units as CLDR gives them: USD 2, JPY 0, KWD 3); 2 for a
 * code the runtime does not know.
 */
export function currencyDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * An exact decimal (PostgreSQL's numeric text, `-12.5`, `7`) written with the currency's decimals:
 * `12.5` USD → `12.50`, `1200` JPY → `1200`. Text only, never a float; digits are never dropped:
 * an amount more precise than its currency keeps its own decimals.
 */
export function formatAmount(value: string, currency: string): string {
  const digits = currencyDigits(currency);
  // The common cases without splitting (an export formats two amounts per row).
  const dot = value.indexOf(".");
  if (dot === -1) return digits === 0 ? value : `${value}.${"0".repeat(digits)}`;
  if (value.length - dot - 1 === digits) return value;
  const [whole = "0", fraction = ""] = value.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  const decimals = trimmed.padEnd(Math.max(digits, trimmed.length), "0");
  return decimals === "" ? whole : `${whole}.${decimals}`;
}

/** The exact sum of plain decimal strings (`12.5` + `0.75` → `13.25`), through integers: never a float. */
export function sumAmounts(values: Iterable<string>): string {
  const list = [...values];
  const decimals = Math.max(0, ...list.map((v) => v.split(".")[1]?.length ?? 0));
  const total = list.reduce((sum, v) => {
    const [whole = "0", fraction = ""] = v.split(".");
    return sum + BigInt(whole + fraction.padEnd(decimals, "0"));
  }, 0n);
  if (decimals === 0) return total.toString();
  const digits = total.toString().padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
