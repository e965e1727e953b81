/**
 * Money and time as the console shows them. Amounts stay decimal strings: they are padded to the
 * currency's own decimals (ISO 4217 through Intl: USD 2, JPY 0, KWD 3), never parsed into floats.
 */

export function currencyDecimals(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `"1234.5"`, `"USD"` → `"1,234.50 USD"`; a value that is not a plain decimal is shown as it came. */
export function formatAmount(amount: string | undefined, currency: string): string {
  if (amount === undefined) return "—";
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m) return `${amount} ${currency}`;
  const [, sign, whole = "0", fraction = ""] = m;
  const decimals = currencyDecimals(currency);
  // Never drop a digit the API sent, even past the currency's decimals.
  const digits = fraction.padEnd(Math.max(decimals, fraction.length), "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${digits ? `.${digits}` : ""} ${currency}`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

/** An ISO instant as `2026-12-06 17:05:09` in `timeZone`. */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Milliseconds `timeZone` is ahead of UTC at `utcMs`. */
function offsetMs(utcMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" })
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - (utcMs - (utcMs % 1000));
}

/** The start of the day `YYYY-MM-DD` in `timeZone`, as an ISO instant (a DST day included). */
export function startOfDay(date: string, timeZone: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds: the offset at the guessed instant may differ from the one at the answer across a DST change.
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

/** The day after `YYYY-MM-DD`. */
export function nextDay(date: string): string {
  return addDays(date, 1);
}

/** `YYYY-MM-DD` moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day (`YYYY-MM-DD`) it is at `at` in `timeZone`. */
export function dayIn(timeZone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}
