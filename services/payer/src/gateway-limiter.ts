import { setTimeout as sleep } from "node:timers/promises";
import { type WorkEnd, park } from "@oceanpos/core/jobs";
import type { ReserveResult, TakeResult, TokenBucket } from "@oceanpos/core/rate-limit";

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

/** A run's reserved gateway call, if it was parked for one; consumed by its next gate. */
export interface HeldReservation {
  reservedAt?: number | undefined;
}

/** How late a parked run may wake and still use the call it reserved (else it reserves again). */
const reservationGraceMs = 250;

/** A run that must wait for its gateway call: parked until its slot (see {@link gateCall}). */
export type ParkedRun = WorkEnd<never> & { end: "park" };

/**
 * Lets one gateway call through (undefined), or says how long to park the run: a run woken for
 * the call it reserved goes at once (once); any other takes a token, or reserves the next one
 * and is parked until its slot (never sleeping in the worker, which would hold a concurrency
 * slot, unless the slot is only milliseconds away). Parked runs thus wake once, in the order they
 * reserved, instead of all retrying whenever a token is back. With the queue longer than the
 * limiter allows, the run is parked until it is not.
 */
export async function gateCall(
  limiter: GatewayLimiter,
  terminal: { account: string; terminal: string },
  held: HeldReservation,
  onDelay: () => void,
): Promise<ParkedRun | undefined> {
  const reservedAt = held.reservedAt;
  held.reservedAt = undefined;
  const now = Date.now();
  if (reservedAt !== undefined && now >= reservedAt - 50 && now - reservedAt <= reservationGraceMs) return undefined;
  const answer = await limiter.reserve(terminal);
  if (answer.reserved && answer.waitMs === 0) return undefined;
  onDelay();
  if (answer.reserved && answer.waitMs <= 50) {
    await sleep(answer.waitMs);
    return undefined;
  }
  if (answer.reserved) return park(answer.waitMs, Date.now() + answer.waitMs);
  // Refused: a little jitter so that runs parked together do not all come back in the same millisecond.
  return park(answer.retryAfterMs + Math.floor(Math.random() * 50));
}
