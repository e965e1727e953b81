import type { ChildLogger } from "@oceanpos/core/logger";
import {
  type Payment,
  type PaymentRef,
  type PaymentStore,
  type ReconcileSchedule,
  type TransitionChange,
  type TransitionOptions,
  type TransitionResult,
  isFinal,
} from "@oceanpos/core/payments";
import type { PayerMetrics } from "./payer-metrics.js";
import { withQrCode } from "./qr-code.js";

/**
 * Why a payment went to review (metric label): `unsettled`, its outcome still unknown when the
 * settlement window (`UNSETTLED_REVIEW_AFTER_MS`) ran out; `attempts_exhausted`, answers that never
 * settled it; `gateway_refused`, a request refused (200xx); `unworkable`, not sendable as stored;
 * `submit_lost`, its submit ended and the gateway holds no attempt.
 */
export type NeedsReviewKind = "unsettled" | "attempts_exhausted" | "gateway_refused" | "unworkable" | "submit_lost";

export interface PaymentRecorderOptions {
  store: PaymentStore;
  schedule: ReconcileSchedule;
  metrics: PayerMetrics;
  /** A `needs_review` payment's next query is due at most this long after the move. */
  reviewQueryMs: number;
  clock: () => number;
}

/**
 * Records what the payer learnt: one atomic transition (which writes the event and, in the same
 * step, the reconciliation schedule of the new status), then the metrics. A final payment found in
 * the schedule after an `unchanged` transition is removed by the next look at it.
 */
export class PaymentRecorder {
  constructor(private readonly options: PaymentRecorderOptions) {}

  /**
   * `current`: the payment as the caller last read it (saves a read; see `TransitionOptions`). A
   * change that learns a barCode also gives the resource its `qrCode` (`withQrCode`).
   */
  async apply(ref: PaymentRef, learnt: TransitionChange, log: ChildLogger, current?: Payment): Promise<TransitionResult> {
    const { store, schedule, metrics, clock } = this.options;
    const change = withQrCode(learnt, ref.orderNumber);
    const result = await store.transition(ref, change, { reconcile: this.reconcileFor(change.to, clock()), ...(current ? { current } : {}) });
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
    if (isFinal(payment.status)) {
      metrics.timeToFinal.observe({ status: payment.status }, Math.max(0, clock() - Date.parse(payment.createdAt)) / 1000);
    }
    return result;
  }

  /** The schedule change that goes with a move to `to` (applied with the transition itself). */
  private reconcileFor(to: TransitionChange["to"], now: number): TransitionOptions["reconcile"] {
    const { schedule } = this.options;
    if (isFinal(to)) return "remove";
    if (to === "pending" || to === "awaiting_customer") return { dueAt: now + (schedule.intervalsMs[0] as number) };
    // Still looked at, often enough that the first final answer settles it soon after it exists.
    if (to === "needs_review") return { dueAt: now + this.options.reviewQueryMs };
    return undefined;
  }

  /**
   * Moves a payment to `needs_review` with a reason in its history (the event follows from the
   * transition) and counts it by `kind` (a short, bounded label). Used when the outcome could not be
   * established, never as a guess of it.
   */
  async needsReview(ref: PaymentRef, source: TransitionChange["source"], kind: NeedsReviewKind, reason: string, log: ChildLogger): Promise<TransitionResult> {
    const result = await this.apply(ref, { to: "needs_review", source, reason }, log);
    if (result.outcome === "applied") {
      this.options.metrics.needsReview.inc({ reason: kind });
      log.error({ kind, reason }, "payment needs review");
    }
    return result;
  }
}
