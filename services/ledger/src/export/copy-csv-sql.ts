import { currencyDigits } from "@oceanpos/core/payments";

/**
 * The decimals of `currency` as SQL: a CASE over the currencies whose ISO 4217 minor units are
 * not 2 (from the runtime's CLDR data, as `currencyDigits`), else 2. Built once.
 */
function digitsSql(currency: string): string {
  const odd = Intl.supportedValuesOf("currency")
    .map((code) => [code, currencyDigits(code)] as const)
    .filter(([, digits]) => digits !== 2);
  const byDigits = new Map<number, string[]>();
  for (const [code, digits] of odd) byDigits.set(digits, [...(byDigits.get(digits) ?? []), code]);
  const whens = [...byDigits].map(([digits, codes]) => `WHEN ${currency} IN (${codes.map((c) => `'${c}'`).join(", ")}) THEN ${digits}`);
  return `(CASE ${whens.join(" ")} ELSE 2 END)`;
}

/**
 * An exact `numeric` as text with its currency's decimals, in SQL (`formatAmount`'s rule): trailing
 * zeros dropped, then padded to the currency's decimals; a digit is never dropped (an amount more
 * precise than its currency keeps its own decimals). Never a float.
 */
export function amountSql(column: string, currency: string): string {
  const exact = `trim_scale(${column})`;
  return `round(${exact}, greatest(${digitsSql(currency)}, scale(${exact})))::text`;
}

/**
 * The list's SQL with its parameters written in as literals (COPY takes no parameters), each
 * quoted by the connection's own `escapeLiteral`. Values are the list's strings (store, status,
 * method, a prefix pattern, ISO times).
 */
export function inlineParameters(sql: { text: string; values: readonly unknown[] }, escapeLiteral: (value: string) => string): string {
  return sql.text.replace(/\$(\d+)/g, (_, n: string) => escapeLiteral(String(sql.values[Number(n) - 1])));
}
