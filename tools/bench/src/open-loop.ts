/**
 * Open-loop load: request i is due at `start + i × 1000 / rate`, whether or not earlier requests
 * have answered, and its latency is measured from that due time (not from when the client got
 * round to sending it), so a stalled server cannot hide its stall by slowing the client down
 * ("coordinated omission").
 */

/** Milliseconds after the start at which request `index` (0-based) is due. */
export function dueOffsetMs(index: number, ratePerSec: number): number {
  if (!(ratePerSec > 0)) throw new RangeError("ratePerSec must be > 0");
  return (index * 1000) / ratePerSec;
}

/**
 * How many requests are due by `elapsedMs` (request 0 is due at 0), capped at `total`.
 * The scheduler sends `dueCount − sent` requests on each tick.
 */
export function dueCount(elapsedMs: number, ratePerSec: number, total: number): number {
  if (elapsedMs < 0) return 0;
  if (!(ratePerSec > 0)) throw new RangeError("ratePerSec must be > 0");
  // Tolerate float noise at exact boundaries: 1000 / 3 × 3 must count as due.
  const due = Math.floor((elapsedMs * ratePerSec) / 1000 + 1e-9) + 1;
  return Math.min(total, due);
}

export interface OpenLoopOptions {
  ratePerSec: number;
  durationMs: number;
  /** Sends request `index`; resolves when it has been answered. Rejections count as errors. */
  fire: (index: number) => Promise<void>;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

export interface OpenLoopResult {
  sent: number;
  errors: number;
  /** Per request, answer time − due time, ms. */
  latenciesMs: number[];
  /** How far behind schedule the client itself fell at worst (a saturated load generator). */
  maxSendLagMs: number;
  elapsedMs: number;
}

/** Runs the schedule to completion and waits for every answer. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const now = options.now ?? (() => performance.now());
  const total = Math.max(0, Math.round((options.durationMs * options.ratePerSec) / 1000));
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let errors = 0;
  let maxSendLagMs = 0;
  const start = now();
  while (sent < total) {
    const elapsed = now() - start;
    const due = dueCount(elapsed, options.ratePerSec, total);
    for (; sent < due; sent++) {
      const index = sent;
      const dueAt = start + dueOffsetMs(index, options.ratePerSec);
      maxSendLagMs = Math.max(maxSendLagMs, now() - dueAt);
      const p = options
        .fire(index)
        .then(
          () => void latenciesMs.push(now() - dueAt),
          () => void errors++,
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    if (sent >= total) break;
    const nextDue = start + dueOffsetMs(sent, options.ratePerSec);
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, nextDue - now() - 0.5))));
  }
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  return { sent, errors, latenciesMs, maxSendLagMs, elapsedMs: now() - start };
}

/**
 * Closed loop: `concurrency` lanes each send the next request as soon as their previous one is
 * answered, until `total` were sent or `durationMs` has passed. Returns how many were sent and failed.
 */
export async function runClosedLoop(
  o: { total: number; concurrency: number; durationMs?: number; now?: () => number },
  fire: (index: number) => Promise<void>,
): Promise<{ sent: number; errors: number }> {
  const now = o.now ?? (() => performance.now());
  const end = o.durationMs === undefined ? Number.POSITIVE_INFINITY : now() + o.durationMs;
  let next = 0;
  let errors = 0;
  const lane = async () => {
    while (next < o.total && now() < end) {
      const index = next++;
      try {
        await fire(index);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.total) }, lane));
  return { sent: next, errors };
}
