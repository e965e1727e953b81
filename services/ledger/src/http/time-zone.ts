/**
 * True for an IANA zone name (`Asia/Shanghai`, `UTC`) that this runtime knows. Offsets and POSIX
 * strings (`+08:00`, `UTC+8`) are refused: PostgreSQL reads POSIX offsets with the opposite sign.
 */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(value) || /^(UTC|GMT)[+-]/i.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
