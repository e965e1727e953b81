import { formatDateTime } from "./payment-ids.js";

/**
 * Reading the gateway's own times: `yyyy-mm-dd HH:mm:ss` in its zone (`gatewayTimeZone`, assumed
 * `Asia/Shanghai`), as QueryOrdersList's order_beginDate and order_endDate are written. The zone's
 * offset comes from the platform, so nothing here assumes it is fixed.
 */

const dateTimeShape = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;

/** Epoch ms of the whole second of `ms` as if its gateway wall-clock time were UTC, minus `ms`: the zone's offset. */
function offsetAt(ms: number): number {
  const match = dateTimeShape.exec(formatDateTime(ms));
  const [, y, mo, d, h, mi, s] = (match ?? []).map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) - Math.floor(ms / 1000) * 1000;
}

/**
 * Epoch ms of a gateway time, or undefined when it is not that exact shape or names no such time
 * (`2024-02-30 10:00:00`, `24:00:00`, a skipped hour): the round trip through the formatter must
 * give the same string back.
 */
export function parseDateTime(value: string | undefined): number | undefined {
  const match = dateTimeShape.exec(value ?? "");
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const wall = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  // Twice: the offset at the first guess may differ from the offset at the answer (DST edges).
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms);
  return formatDateTime(ms) === value ? ms : undefined;
}

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * *(assumed reading of "the last six months")*: the earliest order_beginDate QueryOrdersList
 * accepts, `00:00:00` of the same day of the month six calendar months before today in the
 * gateway's zone, clamped to that month's last day (on 2024-08-31: `2024-02-29 00:00:00`).
 * Written as a gateway time, so comparing strings compares times.
 */
export function sixMonthsBefore(nowMs: number): string {
  const [year = 0, month = 1, day = 1] = formatDateTime(nowMs).slice(0, 10).split("-").map(Number);
  const earlierYear = month > 6 ? year : year - 1;
  const earlierMonth = month > 6 ? month - 6 : month + 6;
  const earlierDay = Math.min(day, daysInMonth(earlierYear, earlierMonth));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${earlierYear}-${pad(earlierMonth)}-${pad(earlierDay)} 00:00:00`;
}
