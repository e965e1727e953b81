import { type ChildLogger, type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import { type OceanpaymentClient, assertNever } from "@oceanpos/core/oceanpayment";
import type { PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { type Refund, type RefundRef, type RefundStore, isRefundFinal, paymentRefOf } from "@oceanpos/core/refunds";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { GatewayLimiter } from "./gateway-limiter.js";
import type { OutageBackoff } from "./outage-backoff.js";
import { credentialsOf } from "./pay-input.js";
import type { PayerMetrics } from "./payer-metrics.js";
import type { RefundFeed } from "./refund-feed.js";
import { type RefundedPayment, queryRefundState } from "./refund-query.js";
import type { RefundRecorder } from "./refund-recorder.js";
import { ScheduleLoop } from "./schedule-loop.js";
import { SettlementWindow } from "./settlement-window.js";

export interface RefundReconcilerOptions {
  schedule: ReconcileSchedule<RefundRef>;
  refunds: RefundStore;
  payments: PaymentStore;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  recorder: RefundRecorder;
  limiter: GatewayLimiter;
  metrics: PayerMetrics;
  logger: Logger;
  /** The refund feed: a `submitting` refund whose run still goes on or will (its first applyRefund, or the job it was handed to) is left to it. */
  feed: Pick<RefundFeed, "workAlive">;
  tickMs: number;
  batch: number;
  backoff: OutageBackoff;
  /** `UNSETTLED_REVIEW_AFTER_MS`: a `submitting` refund still without an answer past it goes to `needs_review`. */
  window: SettlementWindow;
  /** `REFUND_REVIEW_AFTER_MS`: a refund Oceanpayment still holds `pending` past it goes to `needs_review`. */
  refundWindow: SettlementWindow;
  clock: () => number;
}

/**
 * Settles the refunds no notice settled, on the refund schedule (hours to days: Oceanpayment may
 * hold a refund up to 30 days for funds): claims due refunds atomically (several payers split the
 * work), asks the gateway about each (queryRefund by refund_id; the payment's refundList for one
 * whose applyRefund answer was lost) and records every final answer. A query that gets no answer
 * does not count as a check: it is asked again after the outage backoff. Once Oceanpayment's
 * window has passed, the refund's next check is its last word: still pending means `needs_review`
 * (the check is brought forward to the window's end so that it is not a whole step late).
 */
export class RefundReconciler extends ScheduleLoop {
  constructor(private readonly options: RefundReconcilerOptions) {
    super(options);
  }

  /** One look at the refund schedule; returns how many refunds were due. */
  async tick(): Promise<number> {
    const claims = await this.options.schedule.claimDue(this.options.clock(), this.options.batch);
    await Promise.all(claims.map((claim) => this.check(claim.ref)));
    return claims.length;
  }

  private async check(ref: RefundRef): Promise<void> {
    const { schedule, refunds, payments, stores, limiter, metrics, backoff, clock } = this.options;
    const refund = await refunds.get(ref);
    if (!refund || isRefundFinal(refund.status) || refund.status === "accepted") {
      // Nothing to ask about: settled, gone, or not begun (its feed entry or the intake's sweep files it).
      await schedule.remove(ref);
      return;
    }
    if (refund.status === "submitting" && (await this.options.feed.workAlive(ref))) return;
    const log = lazyChildLogger(this.options.logger, { storeId: refund.storeId, orderNumber: ref.orderNumber, refundNumber: ref.refundNumber });
    const store = stores.byStoreId(refund.storeId);
    const payment = await payments.get(paymentRefOf(ref));
    if (!store || payment?.paymentId === undefined) {
      log.error({ store: store !== undefined }, "cannot reconcile refund: store not in the stores file, or the payment gone");
      return;
    }
    const credentials = credentialsOf(store);
    const taken = await limiter.take(credentials);
    if (!taken.allowed) {
      metrics.rateLimited.inc({ operation: "refund_reconcile" });
      await schedule.retryAt([ref], clock() + taken.retryAfterMs);
      return;
    }
    const state = await queryRefundState(this.options.client, metrics, credentials, payment as RefundedPayment, refund);
    if (state.action !== "unanswered") backoff.answered(ref.account);
    switch (state.action) {
      case "transition":
        await this.options.recorder.apply(ref, state.change, log, refund);
        return;
      case "open":
        return this.stillPending(ref, refund, log);
      case "no_attempt":
        return this.notFiled(ref, refund, log);
      case "refused":
        // An answer (the query itself refused, e.g. a secureCode out of step): the claim's step stands.
        log.error({ code: state.code }, "refund query refused");
        return;
      case "unanswered": {
        const delayMs = backoff.unanswered(ref.account);
        log.warn({ reason: state.failure.reason, message: state.failure.message, delayMs }, "refund query got no answer");
        await schedule.retryAt([ref], clock() + delayMs);
        const { window } = this.options;
        if (refund.status === "submitting" && window.expired(refund, clock())) {
          await this.options.recorder.needsReview(ref, "query", "unsettled", window.reason(refund, clock(), `query got no answer (${state.failure.reason})`), log);
        }
        return;
      }
      default:
        return assertNever(state);
    }
  }

  /** Oceanpayment still holds the refund: fine within its window; past it, a person must look. */
  private async stillPending(ref: RefundRef, refund: Refund, log: ChildLogger): Promise<void> {
    const { refundWindow, recorder, schedule, clock } = this.options;
    if (refund.status !== "pending") return;
    const now = clock();
    if (refundWindow.expired(refund, now)) {
      await recorder.needsReview(ref, "query", "refund_window", refundWindow.reason(refund, now, "the gateway still holds it pending"), log);
      return;
    }
    // The last query is made when the window ends, not up to a whole step later.
    await schedule.hasten(ref, SettlementWindow.beganAt(refund) + refundWindow.ms);
  }

  private async notFiled(ref: RefundRef, refund: Refund, log: ChildLogger): Promise<void> {
    if (refund.status === "submitting") {
      // Its run is gone and the gateway holds no such refund: nothing was paid out, but no answer either.
      await this.options.recorder.needsReview(ref, "query", "submit_lost", "refund run ended and the gateway shows no such refund", log);
    } else {
      // A reviewed refund the gateway never filed: nothing there to wait for.
      if (refund.status === "needs_review") await this.options.schedule.remove(ref);
      log.warn({ status: refund.status }, "the gateway shows no such refund");
    }
  }
}
