import type { ChildLogger } from "@oceanpos/core/logger";
import type { NeedsReviewKind, ReconcileSchedule } from "@oceanpos/core/payments";
import { type Refund, type RefundChange, type RefundRef, type RefundStore, type RefundTransitionOptions, type RefundTransitionResult, isRefundFinal } from "@oceanpos/core/refunds";
import type { PayerMetrics } from "./payer-metrics.js";

/**
 * Why a refund went to review (metric label): the payments' kinds, and `refund_window`: still
 * pending at Oceanpayment when its 30-day wait (`REFUND_REVIEW_AFTER_MS`) had passed.
 */
export type RefundReviewKind = NeedsReviewKind | "refund_window";

export interface RefundRecorderOptions {
  store: RefundStore;
  schedule: ReconcileSchedule<RefundRef>;
  metrics: PayerMetrics;
  clock: () => number;
}

/**
 * Records what the payer learnt about a refund, as `PaymentRecorder` does for payments: one
 * atomic transition (its event, its payment's totals and its place in the refund schedule in the
 * same step), then the metrics.
 */
export class RefundRecorder {
  constructor(private readonly options: RefundRecorderOptions) {}

  async apply(ref: RefundRef, change: RefundChange, log: ChildLogger, current?: Refund): Promise<RefundTransitionResult> {
    const { store, schedule, metrics, clock } = this.options;
    const result = await store.transition(ref, change, { reconcile: this.reconcileFor(change.to, clock()), ...(current ? { current } : {}) });
    if (result.outcome === "not_found") {
      log.warn({ to: change.to }, "refund vanished before its transition");
      return result;
    }
    const refund = result.refund;
    if (result.outcome === "unchanged") {
      log.info({ to: change.to, status: refund.status, why: result.reason }, "refund transition not applied");
      if (isRefundFinal(refund.status)) await schedule.remove(ref);
      return result;
    }
    log.info({ to: refund.status, source: change.source, code: change.code, version: refund.version }, "refund moved");
    if (isRefundFinal(refund.status)) {
      metrics.refundTimeToFinal.observe({ status: refund.status }, Math.max(0, clock() - Date.parse(refund.createdAt)) / 1000);
    }
    return result;
  }

  /**
   * Moves a refund to `needs_review` with a reason in its history and counts it by `kind`: the
   * outcome could not be established, never a guess of it. It stays in the refund schedule: the
   * gateway's first final answer still settles it.
   */
  async needsReview(ref: RefundRef, source: RefundChange["source"], kind: RefundReviewKind, reason: string, log: ChildLogger): Promise<RefundTransitionResult> {
    const result = await this.apply(ref, { to: "needs_review", source, reason }, log);
    if (result.outcome === "applied") {
      this.options.metrics.refundsNeedsReview.inc({ reason: kind });
      log.error({ kind, reason }, "refund needs review");
    }
    return result;
  }

  /** The schedule change that goes with a move to `to`: a pending or reviewed refund is asked about on the refund schedule. */
  private reconcileFor(to: RefundChange["to"], now: number): RefundTransitionOptions["reconcile"] {
    if (isRefundFinal(to)) return "remove";
    if (to === "pending" || to === "needs_review") return { dueAt: now + (this.options.schedule.intervalsMs[0] as number) };
    return undefined;
  }
}
