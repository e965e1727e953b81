/**
 * How long the payer waits before asking the gateway again after a call got no answer (a
 * transport error, a 5xx, a time-out, an unusable document). Such a call is not evidence about a
 * payment: it never uses up the payment's budget of answers (its submit job's attempts, its
 * reconciliation step); it only postpones the next call.
 */

export interface OutageBackoffOptions {
  /** Wait after the first call of a streak that got no answer. Default 1 000 ms. */
  initialMs?: number;
  /**
   * Longest wait, reached by doubling: how long after the gateway recovers an unsettled payment
   * may still wait for its next call. Default 10 000 ms.
   */
  maxMs?: number;
  /** [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * One streak per Oceanpayment account in this process: each call without an answer doubles the
 * next wait (from `initialMs` up to `maxMs`), any answer ends the streak. While the gateway fails
 * only now and then, a failed call is tried again about a second later; while it is down, the
 * waits grow to the cap, faster the more payments are waiting. Each wait is drawn between half
 * and all of it, so that the payments held back by an outage do not all call at the same moment
 * when it ends. The per-terminal rate limit still applies to every call made afterwards.
 */
export class OutageBackoff {
  private readonly streaks = new Map<string, number>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: OutageBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 10_000);
    this.random = options.random ?? Math.random;
  }

  /** A call for `account` got no answer: the wait before the next one, in ms. */
  unanswered(account: string): number {
    const streak = (this.streaks.get(account) ?? 0) + 1;
    this.streaks.set(account, streak);
    // 2^30 already exceeds any cap; the exponent is bounded so that the product stays finite.
    const full = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(streak - 1, 30));
    return Math.round(full / 2 + (full / 2) * this.random());
  }

  /** A call for `account` was answered: the gateway is back, the next failure starts a new streak. */
  answered(account: string): void {
    this.streaks.delete(account);
  }
}
