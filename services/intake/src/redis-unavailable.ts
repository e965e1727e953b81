/**
 * True when an error means "Redis cannot be reached right now" (connection refused or lost,
 * offline queue disabled, command time-out, a replica or loading server) rather than a bug.
 * Those answer 503 `unavailable`: the Lua writes are atomic, so a failed call changed nothing.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "MaxRetriesPerRequestError") return true;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && unavailableCodes.has(code)) return true;
  return unavailableMessage.test(err.message);
}

const unavailableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

const unavailableMessage =
  /enableOfflineQueue|Connection is closed|Stream isn't writeable|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|^LOADING|^MASTERDOWN|^READONLY|^CLUSTERDOWN|^TRYAGAIN/;

/**
 * True for Redis's "OOM command not allowed when used memory > 'maxmemory'": with `noeviction` it
 * refuses every write once full. A script is refused before it runs, so nothing was written.
 */
export function isRedisOutOfMemory(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("OOM ");
}
