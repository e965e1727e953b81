import type { Logger } from "@oceanpos/core/logger";
import {
  type PaymentRef,
  type PaymentStore,
  type ReconcileSchedule,
  type TransitionChange,
  type TransitionResult,
  isFinal,
} from "@oceanpos/core/payments";
import type { PayerMetrics } from "./payer-metrics.js";

/** Why a payment went to review (metric label). */
export type NeedsReviewKind = "attempts_exhausted" | "gateway_refused" | "unworkable" | "submit_lost";

export interface PaymentRecorderOptions {
  store: PaymentStore;
  schedule: ReconcileSchedule;
  metrics: PayerMetrics;
  clock: () => number;
}

/**
 * Records what the payer learnt: one atomic transition (which writes the event), then the
 * bookkeeping around it — the reconciliation schedule and the metrics. The transition comes first:
 * if the process dies in between, the schedule is repaired by the next look at the payment (a
 * final payment found in the schedule is removed; an open one is rescheduled by its submit job).
 */
export class PaymentRecorder {
  constructor(private readonly options: PaymentRecorderOptions) {}

  async apply(ref: PaymentRef, change: TransitionChange, log: Logger): Promise<TransitionResult> {
    const { store, schedule, metrics, clock } = this.options;
    const result = await store.transition(ref, change);
    if (result.outcome === "not_found") {
      log.warn({ to: change.to }, "payment vanished before its transition");
      return result;
    }
    const payment = result.payment;
    if (result.outcome === "unchanged") {
      log.info({ to: change.to, status: payment.status, why: result.reason }, "transition not applied");
      if (isFinal(payment.status)) await schedule.remove(ref);
      return result;
    }
    log.info({ to: payment.status, source: change.source, code: change.code, version: payment.version }, "payment moved");
    const now = clock();
    if (isFinal(payment.status)) {
      metrics.timeToFinal.observe({ status: payment.status }, Math.max(0, now - Date.parse(payment.createdAt)) / 1000);
      await schedule.remove(ref);
    } else if (payment.status === "pending" || payment.status === "awaiting_customer") {
      await schedule.schedule(ref, now);
    } else if (payment.status === "needs_review") {
      // Still looked at (at the slowest pace): a later query may establish the outcome.
      await schedule.scheduleAt(ref, now + (schedule.intervalsMs.at(-1) as number));
    }
    return result;
  }

  /**
   * Moves a payment to `needs_review` with a reason in its history (the event follows from the
   * transition) and counts it by `kind` (a short, bounded label). Used when the outcome could not be
   * established, never as a guess of it.
   */
  async needsReview(ref: PaymentRef, source: TransitionChange["source"], kind: NeedsReviewKind, reason: string, log: Logger): Promise<TransitionResult> {
    const result = await this.apply(ref, { to: "needs_review", source, reason }, log);
    if (result.outcome === "applied") {
      this.options.metrics.needsReview.inc({ reason: kind });
      log.error({ kind, reason }, "payment needs review");
    }
    return result;
  }
}
