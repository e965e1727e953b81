import { setTimeout as sleep } from "node:timers/promises";

/**
 * A pay call watched while it is in flight. A gateway that fails by holding requests open keeps a
 * pay call waiting for its whole deadline (`OCEANPAYMENT_PAY_TIMEOUT_MS`, 30 s): a payment sent just
 * before the gateway recovered would stay unsettled that long after it, with nothing else asking
 * (its submit is alive, its notice may be lost). So once the call has been waiting `afterMs`, the
 * order is asked about (`ask`), again after each `delayAfter(…)`, until the call answers or a
 * question settles the payment. Asking is a query: nothing is ever sent, so the call's own answer,
 * whenever it comes, is still recorded as usual (and changes nothing once the payment is final).
 */
export interface PayWatch {
  /** How long the call may wait before the first question. */
  afterMs: number;
  /**
   * Asks the gateway about the order and records what it proves: `settled` once the payment is
   * final, `open` while the gateway holds no final answer. A rejection means no answer.
   */
  ask: () => Promise<"settled" | "open">;
  /** The wait before the next question, after an `open` answer or after no answer at all. */
  delayAfter: (last: "open" | "unanswered") => number;
}

export interface WatchedPay<T> {
  outcome: T;
  /** A question settled the payment before the call answered. */
  settledMeanwhile: boolean;
}

/** Awaits `pay`, asking about its order meanwhile as {@link PayWatch} says. */
export async function watchPay<T>(pay: Promise<T>, watch: PayWatch): Promise<WatchedPay<T>> {
  const stop = new AbortController();
  let settledMeanwhile = false;
  /** True once `ms` passed with the call still waiting. */
  const stillWaitingAfter = (ms: number) =>
    sleep(ms, undefined, { signal: stop.signal }).then(
      () => !stop.signal.aborted,
      () => false,
    );
  const watcher = async () => {
    let wait = watch.afterMs;
    while (await stillWaitingAfter(wait)) {
      const answer = await watch.ask().catch(() => "unanswered" as const);
      if (answer === "settled") {
        settledMeanwhile = true;
        return;
      }
      wait = watch.delayAfter(answer);
    }
  };
  // A question in flight when the call answers finishes in the background: what it records is a
  // compare-and-set, harmless in either order.
  void watcher();
  try {
    return { outcome: await pay, settledMeanwhile };
  } finally {
    stop.abort();
  }
}
