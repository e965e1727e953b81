/**
 * Wall-clock times of an IANA zone, both ways, for the reconciliation's day bounds and the
 * gateway's `yyyy-mm-dd HH:mm:ss` times. The zone's offset comes from the platform (Intl), so a
 * 23- or 25-hour DST day is one day.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, format);
  }
  return format;
}

/** `yyyy-mm-dd HH:mm:ss` of an instant in `zone` (the second it falls in). */
export function formatInZone(ms: number, zone: string): string {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const shape = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;

function wallAsUtc(text: string): number | undefined {
  const m = shape.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * The instant of a `yyyy-mm-dd HH:mm:ss` wall time in `zone`, or undefined when it is not that
 * shape. A time a DST change skips is read with the offset before the change (an hour later).
 */
export function parseInZone(text: string, zone: string): number | undefined {
  const wall = wallAsUtc(text);
  if (wall === undefined) return undefined;
  const offsetAt = (ms: number) => (wallAsUtc(formatInZone(ms, zone)) as number) - Math.floor(ms / 1000) * 1000;
  // Twice: the offset at the first guess may differ from the offset at the answer (DST edges).
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms);
  return ms;
}

/** `[start, end)` of a calendar day (`yyyy-mm-dd`) in `zone`, epoch ms. */
export function dayBounds(date: string, zone: string): { start: number; end: number } {
  return { start: parseInZone(`${date} 00:00:00`, zone) as number, end: parseInZone(`${addDays(date, 1)} 00:00:00`, zone) as number };
}

/** The calendar day (`yyyy-mm-dd`) of an instant in `zone`. */
export function dateInZone(ms: number, zone: string): string {
  return formatInZone(ms, zone).slice(0, 10);
}

/** `yyyy-mm-dd` plus `days` (negative: before). */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** `yyyy-mm-dd` plus `months` calendar months, the day clamped to the month's last (08-31 − 6 → 02-29). */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  const index = year * 12 + (month - 1) + months;
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(Math.min(day, last))}`;
}
