/**
 * `url` with its password replaced by `***`, for messages and log lines: a `REDIS_URL` or
 * `DATABASE_URL` may carry one, and it must not reach a log.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}
