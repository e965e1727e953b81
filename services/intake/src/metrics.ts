import { HttpMetrics } from "@oceanpos/core/http";
import { Counter, type Registry } from "prom-client";

/** The intake's Prometheus metrics, registered on the process registry passed in. */
export class IntakeMetrics {
  readonly http: HttpMetrics;
  readonly paymentsAccepted: Counter<"store" | "mode">;
  readonly idempotentReplays: Counter<"store">;
  readonly idempotencyConflicts: Counter<"store">;
  readonly rateLimited: Counter<"store">;
  readonly sweepRequeued: Counter;
  readonly refundRequests: Counter<"store" | "outcome">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.http = new HttpMetrics(registry, {
      durationHelp: "Time to answer an HTTP request (Prefer: wait included)",
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.paymentsAccepted = new Counter({
      name: "payments_accepted_total",
      help: "Payments created (first acceptance, replays excluded)",
      labelNames: ["store", "mode"],
      registers,
    });
    this.idempotentReplays = new Counter({
      name: "idempotent_replays_total",
      help: "Requests answered from an existing payment with the same body",
      labelNames: ["store"],
      registers,
    });
    this.idempotencyConflicts = new Counter({
      name: "idempotency_conflicts_total",
      help: "Requests refused because their orderNumber is taken with another body or by another store",
      labelNames: ["store"],
      registers,
    });
    this.rateLimited = new Counter({
      name: "rate_limited_total",
      help: "Requests refused by the per-store rate limit",
      labelNames: ["store"],
      registers,
    });
    this.refundRequests = new Counter({
      name: "refund_requests_total",
      help: "Refund creations by outcome: accepted, replayed, idempotency_conflict, payment_not_refundable, refund_exceeds_payment",
      labelNames: ["store", "outcome"],
      registers,
    });
    this.sweepRequeued = new Counter({
      name: "intake_recovery_requeued_total",
      help: "Submit and refund jobs re-added by the recovery sweep for payments and refunds still accepted",
      registers,
    });
  }
}
