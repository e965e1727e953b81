import type { Payment } from "@oceanpos/core/payments";

/**
 * `UNSETTLED_REVIEW_AFTER_MS`: how long a payment's outcome may stay unknown, counted from when
 * its submit began, before a person is asked to look (`needs_review`). Before that, a gateway that
 * does not answer only delays the payment (see `OutageBackoff`); after it, the payer still keeps
 * asking, and the first final answer settles the payment by itself.
 */
export class SettlementWindow {
  constructor(readonly ms: number) {}

  /** When the payment's submit began: its move to `submitting` (its creation if it has not moved). */
  static beganAt(payment: Payment): number {
    const at = payment.history.find((entry) => entry.status === "submitting")?.at ?? payment.createdAt;
    return Date.parse(at);
  }

  /** Whether the payment's outcome has been unknown for the whole window at `now`. */
  expired(payment: Payment, now: number): boolean {
    return now - SettlementWindow.beganAt(payment) >= this.ms;
  }

  /** The history reason of a move to `needs_review` because the window ran out; `cause` says what failed last. */
  reason(payment: Payment, now: number, cause: string): string {
    const seconds = Math.round((now - SettlementWindow.beganAt(payment)) / 1000);
    return `outcome unknown ${seconds} s after the submit began (settlement window ${Math.round(this.ms / 1000)} s): ${cause}`;
  }
}
