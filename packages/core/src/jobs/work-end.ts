/**
 * How one run of a unit of work ended (a payment's submit, a void, a webhook delivery), as a value,
 * as Svix's worker returns each step: the code that decides returns it, and the carrier that ran
 * it carries it out, a BullMQ job (`endJob`) or a stream entry's first attempt (its reader hands
 * what is left to a job, with the attempts already made). Deciding code never throws to say
 * "later" or "never": BullMQ's `DelayedError` and `UnrecoverableError` exist only at the worker
 * boundary.
 */
export type WorkEnd<T = string> =
  /** Over; `result` says how (a job's return value, a metric label). */
  | { end: "done"; result: T }
  /**
   * Not now, and no attempt used: run again after `delayMs` (a rate-limited terminal, a gateway
   * that did not answer). `reservedAt` (epoch ms): the gateway call reserved for then, which the
   * next run holds instead of taking another.
   */
  | { end: "park"; delayMs: number; reservedAt?: number }
  /** This attempt failed: run again after the carrier's backoff, or after `delayMs` when given, while attempts remain. */
  | { end: "retry"; error: Error; delayMs?: number }
  /** Over without success, and no further attempt can help. */
  | { end: "fail"; error: Error };

export function done<T>(result: T): WorkEnd<T> & { end: "done" } {
  return { end: "done", result };
}

export function park(delayMs: number, reservedAt?: number): WorkEnd<never> & { end: "park" } {
  return reservedAt === undefined ? { end: "park", delayMs } : { end: "park", delayMs, reservedAt };
}

/** `error` as thrown (anything), made an `Error` so that a carrier can throw and log it. */
export function retry(error: unknown, delayMs?: number): WorkEnd<never> & { end: "retry" } {
  const err = error instanceof Error ? error : new Error(String(error));
  return delayMs === undefined ? { end: "retry", error: err } : { end: "retry", error: err, delayMs };
}

export function fail(error: Error): WorkEnd<never> & { end: "fail" } {
  return { end: "fail", error };
}
