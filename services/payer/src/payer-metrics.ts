import { Counter, Histogram, type Registry } from "prom-client";

/** The payer's Prometheus metrics, registered on the process registry built in `main.ts`. */
export class PayerMetrics {
  /** One per pay request answered (or not): succeeded, failed, pending, awaiting_customer, rejected, retryable, ambiguous, duplicate_order. */
  readonly submissions: Counter<"outcome">;
  /** Submit, void and refund runs that ended in a retry: after an answer that did not settle it, or parked because the gateway did not answer. */
  readonly retries: Counter;
  /** Query calls by result: answered, rejected, retryable, ambiguous. */
  readonly queries: Counter<"result">;
  /** From the payment's `createdAt` to the final status the payer recorded. */
  readonly timeToFinal: Histogram<"status">;
  /** Payments the payer could not settle: a person must look. */
  readonly needsReview: Counter<"reason">;
  /** Void calls by outcome: voided, raced_success, refused, rejected, retryable, ambiguous. */
  readonly voids: Counter<"outcome">;
  /** Gateway calls postponed by the per-terminal rate limit. */
  readonly rateLimited: Counter<"operation">;
  /** Submit feed entries by result: sent (the run ended there), queued (handed to a submit job), left_pending (for a claim). */
  readonly feedRuns: Counter<"result">;
  /** One per applyRefund answered (or not): accepted, refused, rejected, retryable, ambiguous. */
  readonly refunds: Counter<"outcome">;
  /** Refund settlement queries by `via` (refund_query: queryRefund; payment_query: the refundList) and result. */
  readonly refundQueries: Counter<"via" | "result">;
  /** From the refund's `createdAt` to the final status the payer recorded. */
  readonly refundTimeToFinal: Histogram<"status">;
  /** Refunds the payer could not settle: a person must look. */
  readonly refundsNeedsReview: Counter<"reason">;
  /** Refund feed entries by result, as for the submit feed. */
  readonly refundFeedRuns: Counter<"result">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.submissions = new Counter({ name: "payer_submissions_total", help: "Pay requests by outcome", labelNames: ["outcome"], registers });
    this.retries = new Counter({ name: "payer_retries_total", help: "Job runs that ended in a retry", registers });
    this.queries = new Counter({ name: "payer_queries_total", help: "Order queries by result", labelNames: ["result"], registers });
    this.timeToFinal = new Histogram({
      name: "payer_time_to_final_seconds",
      help: "Seconds from payment creation to the final status recorded by the payer",
      labelNames: ["status"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.needsReview = new Counter({
      name: "payments_needs_review_total",
      help: "Payments moved to needs_review",
      labelNames: ["reason"],
      registers,
    });
    this.voids = new Counter({ name: "payer_voids_total", help: "Void attempts by outcome", labelNames: ["outcome"], registers });
    this.rateLimited = new Counter({
      name: "payer_rate_limited_total",
      help: "Gateway calls postponed by the per-terminal rate limit",
      labelNames: ["operation"],
      registers,
    });
    this.feedRuns = new Counter({ name: "payer_submit_feed_total", help: "Submit feed entries by result", labelNames: ["result"], registers });
    this.refunds = new Counter({ name: "payer_refunds_total", help: "applyRefund requests by outcome", labelNames: ["outcome"], registers });
    this.refundQueries = new Counter({ name: "payer_refund_queries_total", help: "Refund settlement queries by kind and result", labelNames: ["via", "result"], registers });
    this.refundTimeToFinal = new Histogram({
      name: "payer_refund_time_to_final_seconds",
      help: "Seconds from refund creation to the final status recorded by the payer",
      labelNames: ["status"],
      buckets: [1, 5, 30, 60, 300, 900, 3600, 14_400, 86_400, 604_800, 2_592_000],
      registers,
    });
    this.refundsNeedsReview = new Counter({ name: "refunds_needs_review_total", help: "Refunds moved to needs_review", labelNames: ["reason"], registers });
    this.refundFeedRuns = new Counter({ name: "payer_refund_feed_total", help: "Refund feed entries by result", labelNames: ["result"], registers });
  }

  /** Counts one query call by its outcome kind (`queryOrder`'s `answered`). */
  readonly countQuery = (result: string): void => void this.queries.inc({ result });
}
