import type { ChildLogger } from "../logger/index.js";
import type { Payment } from "./payment.js";
import type { PaymentRef } from "./payment-ref.js";
import { isFinal } from "./payment-status.js";
import type { PaymentStore, TransitionChange, TransitionOptions, TransitionResult } from "./payment-store.js";
import { withQrCode } from "./qr-code.js";
import type { ReconcileSchedule } from "./reconcile-schedule.js";

/**
 * Why a payment went to review (metric label): `unsettled`, its outcome still unknown when the
 * settlement window (`UNSETTLED_REVIEW_AFTER_MS`) ran out; `attempts_exhausted`, answers that never
 * settled it; `gateway_refused`, a request refused (200xx); `unworkable`, not sendable as stored;
 * `submit_lost`, its submit ended and the gateway holds no attempt.
 */
export type NeedsReviewKind = "unsettled" | "attempts_exhausted" | "gateway_refused" | "unworkable" | "submit_lost";

/** A review query at least this often (not a setting: the settlement window is). */
export const defaultReviewQueryMs = 30_000;

/** What the recorder counts, when the process has such metrics (the payer's `PayerMetrics` has both). */
export interface PaymentRecorderMetrics {
  /** Seconds from the payment's `createdAt` to a final status recorded here, by status. */
  timeToFinal: { observe(labels: { status: string }, seconds: number): void };
  /** Moves to `needs_review` by {@link NeedsReviewKind}. */
  needsReview: { inc(labels: { reason: string }): void };
}

export interface PaymentRecorderOptions {
  store: PaymentStore;
  schedule: ReconcileSchedule;
  /** Default: nothing counted. */
  metrics?: PaymentRecorderMetrics;
  /** A `needs_review` payment's next query is due at most this long after the move; default {@link defaultReviewQueryMs}. */
  reviewQueryMs?: number;
  clock: () => number;
}

/**
 * Records what a gateway answer taught us (the payer's sends, queries and voids; an operator's query
 * or resolve on the intake): one atomic transition (which writes the event and, in the same
 * step, the reconciliation schedule of the new status), then the metrics. A final payment found in
 * the schedule after an `unchanged` transition is removed by the next look at it.
 */
export class PaymentRecorder {
  constructor(private readonly options: PaymentRecorderOptions) {}

  /**
   * `current`: the payment as the caller last read it (saves a read; see `TransitionOptions`). A
   * change that learns a barCode also gives the resource its `qrCode` (`withQrCode`).
   */
  async apply(ref: PaymentRef, learnt: TransitionChange, log: ChildLogger, current?: Payment, audit?: TransitionOptions["audit"]): Promise<TransitionResult> {
    const { store, schedule, metrics, clock } = this.options;
    const change = withQrCode(learnt, ref.orderNumber);
    const options: TransitionOptions = { reconcile: this.reconcileFor(change.to, clock()), ...(current ? { current } : {}), ...(audit ? { audit } : {}) };
    const result = await store.transition(ref, change, options);
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
      metrics?.timeToFinal.observe({ status: payment.status }, Math.max(0, clock() - Date.parse(payment.createdAt)) / 1000);
    }
    return result;
  }

  /** The schedule change that goes with a move to `to` (applied with the transition itself). */
  private reconcileFor(to: TransitionChange["to"], now: number): TransitionOptions["reconcile"] {
    const { schedule } = this.options;
    if (isFinal(to)) return "remove";
    if (to === "pending" || to === "awaiting_customer") return { dueAt: now + (schedule.intervalsMs[0] as number) };
    // Still looked at, often enough that the first final answer settles it soon after it exists.
    if (to === "needs_review") return { dueAt: now + (this.options.reviewQueryMs ?? defaultReviewQueryMs) };
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
      this.options.metrics?.needsReview.inc({ reason: kind });
      log.error({ kind, reason }, "payment needs review");
    }
    return result;
  }
}
