import { setTimeout as sleep } from "node:timers/promises";
import type { ReserveResult, TakeResult, TokenBucket } from "@oceanpos/core/rate-limit";
import { DelayedError, type Job } from "bullmq";

/** Paces calls to the gateway per terminal, so that one busy store cannot starve the others. */
export interface GatewayLimiter {
  /** A token now, or refused (the reconciler reschedules its queries). */
  take(terminal: { account: string; terminal: string }): Promise<TakeResult>;
  /** A token now, or the next one reserved (wait, then go), or refused when the queue is too long. */
  reserve(terminal: { account: string; terminal: string }): Promise<ReserveResult>;
}

export interface TerminalRateLimiterOptions {
  bucket: TokenBucket;
  /** Sustained gateway calls per second and terminal (`GATEWAY_RATE_PER_TERMINAL`). */
  ratePerSec: number;
  /** Calls a quiet terminal may make at once (`GATEWAY_BURST_PER_TERMINAL`). */
  burst: number;
  /** Reservations are made at most this far ahead; default 30 000 ms. */
  maxWaitMs?: number;
}

/** A Redis token bucket per account+terminal, shared by every payer process. */
export class TerminalRateLimiter implements GatewayLimiter {
  constructor(private readonly options: TerminalRateLimiterOptions) {}

  take(terminal: { account: string; terminal: string }): Promise<TakeResult> {
    return this.options.bucket.take(`${terminal.account}-${terminal.terminal}`, { ratePerSec: this.options.ratePerSec, burst: this.options.burst });
  }

  reserve(terminal: { account: string; terminal: string }): Promise<ReserveResult> {
    const { ratePerSec, burst, maxWaitMs = 30_000 } = this.options;
    return this.options.bucket.reserve(`${terminal.account}-${terminal.terminal}`, { ratePerSec, burst, maxWaitMs });
  }
}

/**
 * Puts a run aside for `delayMs` instead of making it wait in place; never returns normally.
 * `reservedAt`: the run holds a reserved gateway call for that time (it must not take another).
 */
export type Park = (delayMs: number, reservedAt?: number) => Promise<never>;

/** Thrown by a {@link Park} that leaves the waiting to its caller (the submit feed queues a delayed job). */
export class ParkedError extends Error {
  constructor(
    readonly delayMs: number,
    readonly reservedAt?: number,
  ) {
    super(`parked for ${delayMs} ms`);
    this.name = "ParkedError";
  }
}

/** A run's reserved gateway call, if it was parked for one; consumed by its next gate. */
export interface HeldReservation {
  reservedAt?: number | undefined;
}

/** How late a parked run may wake and still use the call it reserved (else it reserves again). */
const reservationGraceMs = 250;

/**
 * Lets one gateway call through: a run woken for the call it reserved goes at once (once); any
 * other takes a token, or reserves the next one and is parked until its slot (never sleeping in
 * the worker, which would hold a concurrency slot, unless the slot is only milliseconds away).
 * Parked runs thus wake once, in the order they reserved, instead of all retrying whenever a token
 * is back. With the queue longer than the limiter allows, the run is parked until it is not.
 */
export async function takeOrPark(
  limiter: GatewayLimiter,
  terminal: { account: string; terminal: string },
  park: Park,
  held: HeldReservation,
  onDelay: () => void,
): Promise<void> {
  const reservedAt = held.reservedAt;
  held.reservedAt = undefined;
  const now = Date.now();
  if (reservedAt !== undefined && now >= reservedAt - 50 && now - reservedAt <= reservationGraceMs) return;
  const answer = await limiter.reserve(terminal);
  if (answer.reserved && answer.waitMs === 0) return;
  onDelay();
  if (answer.reserved && answer.waitMs <= 50) {
    await sleep(answer.waitMs);
    return;
  }
  if (answer.reserved) return park(answer.waitMs, Date.now() + answer.waitMs);
  // Refused: a little jitter so that runs parked together do not all come back in the same millisecond.
  return park(answer.retryAfterMs + Math.floor(Math.random() * 50));
}

/**
 * Parks a job in `delayed` (`DelayedError`, which BullMQ does not count as a failed attempt),
 * with its reservation in its data so that the run that wakes for it knows.
 */
export function parkJob(job: Job, token: string | undefined): Park {
  return async (delayMs, reservedAt) => {
    const data = job.data as { reservedAt?: number };
    if (reservedAt !== undefined || data.reservedAt !== undefined) {
      const { reservedAt: _previous, ...rest } = data;
      await job.updateData(reservedAt === undefined ? rest : { ...rest, reservedAt });
    }
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  };
}
