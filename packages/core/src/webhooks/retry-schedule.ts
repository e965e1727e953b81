/**
 * When failed webhook deliveries are tried again: the delay before retry n (1-based) is
 * `schedule[n-1]`, so a delivery has `schedule.length + 1` attempts in all before it is
 * dead-lettered. The contract's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 */
export const defaultRetrySchedule: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

export interface RetryDelayOptions {
  schedule?: readonly number[];
  /** Compresses the schedule (`WEBHOOK_RETRY_SCALE`); default 1. */
  scale?: number;
  /** Each delay is moved by up to ±jitter of itself, so that retries of a burst spread out; default 0.2. */
  jitter?: number;
  random?: () => number;
}

/** Attempts in all (first try plus retries). */
export function maxDeliveryAttempts(schedule: readonly number[] = defaultRetrySchedule): number {
  return schedule.length + 1;
}

/** Delay before the retry that follows `attemptsMade` failed attempts; undefined when none is left. */
export function retryDelayMs(attemptsMade: number, options: RetryDelayOptions = {}): number | undefined {
  const schedule = options.schedule ?? defaultRetrySchedule;
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return undefined;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const factor = 1 + jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * (options.scale ?? 1) * factor));
}

/** Upper bound for a receiver's `Retry-After`: never later than the longest step of the schedule. */
export function maxRetryAfterMs(schedule: readonly number[] = defaultRetrySchedule): number {
  return Math.max(...schedule);
}
