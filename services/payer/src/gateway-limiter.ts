import type { TakeResult, TokenBucket } from "@oceanpos/core/rate-limit";
import { DelayedError, type Job } from "bullmq";

/** Paces calls to the gateway per terminal, so that one busy store cannot starve the others. */
export interface GatewayLimiter {
  take(terminal: { account: string; terminal: string }): Promise<TakeResult>;
}

export interface TerminalRateLimiterOptions {
  bucket: TokenBucket;
  /** Sustained gateway calls per second and terminal (`GATEWAY_RATE_PER_TERMINAL`). */
  ratePerSec: number;
  /** Calls a quiet terminal may make at once (`GATEWAY_BURST_PER_TERMINAL`). */
  burst: number;
}

/** A Redis token bucket per account+terminal, shared by every payer process. */
export class TerminalRateLimiter implements GatewayLimiter {
  constructor(private readonly options: TerminalRateLimiterOptions) {}

  take(terminal: { account: string; terminal: string }): Promise<TakeResult> {
    return this.options.bucket.take(`${terminal.account}-${terminal.terminal}`, {
      ratePerSec: this.options.ratePerSec,
      burst: this.options.burst,
    });
  }
}

/** Puts a run aside for `delayMs` instead of making it wait in place; never returns normally. */
export type Park = (delayMs: number) => Promise<never>;

/** Thrown by a {@link Park} that leaves the waiting to its caller (the submit feed queues a delayed job). */
export class ParkedError extends Error {
  constructor(readonly delayMs: number) {
    super(`parked for ${delayMs} ms`);
    this.name = "ParkedError";
  }
}

/**
 * Takes a token for one gateway call, or parks the run until the bucket refills (never sleeping
 * in the worker, which would hold a concurrency slot).
 */
export async function takeOrPark(limiter: GatewayLimiter, terminal: { account: string; terminal: string }, park: Park, onDelay: () => void): Promise<void> {
  const taken = await limiter.take(terminal);
  if (taken.allowed) return;
  onDelay();
  // A little jitter so that runs parked together do not all wake in the same millisecond.
  await park(taken.retryAfterMs + Math.floor(Math.random() * Math.min(50, taken.retryAfterMs + 1)));
}

/** Parks a job in `delayed`: `DelayedError`, which BullMQ does not count as a failed attempt. */
export function parkJob(job: Job, token: string | undefined): Park {
  return async (delayMs) => {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  };
}
