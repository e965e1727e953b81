/** What the window reads of a payment or a refund: when it was created and its history. */
export interface Submitted {
  createdAt: string;
  history: readonly { status: string; at: string }[];
}

/**
 * `UNSETTLED_REVIEW_AFTER_MS`: how long a payment's outcome may stay unknown, counted from when
 * its submit began, before a person is asked to look (`needs_review`). Before that, a gateway that
 * does not answer only delays the payment (see `OutageBackoff`); after it, the payer still keeps
 * asking, and the first final answer settles the payment by itself. Refunds use it twice: for a
 * submit that gets no answer (the same setting), and for Oceanpayment's 30-day wait
 * (`REFUND_REVIEW_AFTER_MS`, counted from the same start).
 */
export class SettlementWindow {
  constructor(readonly ms: number) {}

  /** When the payment's submit began: its move to `submitting` (its creation if it has not moved). */
  static beganAt(payment: Submitted): number {
    const at = payment.history.find((entry) => entry.status === "submitting")?.at ?? payment.createdAt;
    return Date.parse(at);
  }

  /** Whether the payment's outcome has been unknown for the whole window at `now`. */
  expired(payment: Submitted, now: number): boolean {
    return now - SettlementWindow.beganAt(payment) >= this.ms;
  }

  /** The history reason of a move to `needs_review` because the window ran out; `cause` says what failed last. */
  reason(payment: Submitted, now: number, cause: string): string {
    const seconds = Math.round((now - SettlementWindow.beganAt(payment)) / 1000);
    return `outcome unknown ${seconds} s after the submit began (settlement window ${Math.round(this.ms / 1000)} s): ${cause}`;
  }
}
