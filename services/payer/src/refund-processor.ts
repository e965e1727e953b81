import { done, endJob, jobCatalog, park, retry } from "@oceanpos/core/jobs";
import { type ChildLogger, type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import {
  GatewayRequestInvalidError,
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  type RefundInput,
  type RefundOutcome,
  assertNever,
  buildRefundForm,
  refundAnswerDecision,
  refundOutcomeError,
  refundTypeFor,
} from "@oceanpos/core/oceanpayment";
import type { Payment, PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { type Refund, type RefundRef, type RefundStore, paymentRefOf } from "@oceanpos/core/refunds";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { type Job, UnrecoverableError } from "bullmq";
import { OutcomeUnsettledError, PaymentUnworkableError, errorSummary } from "./errors.js";
import { type GatewayLimiter, type ParkedRun, gateCall } from "./gateway-limiter.js";
import type { OutageBackoff } from "./outage-backoff.js";
import { credentialsOf } from "./pay-input.js";
import type { PayerMetrics } from "./payer-metrics.js";
import { type RefundedPayment, queryRefundState, refundQueryError } from "./refund-query.js";
import type { RefundRecorder } from "./refund-recorder.js";
import type { SettlementWindow } from "./settlement-window.js";
import { type SubmitEnd, type SubmitRunEnd, submitEndAfter } from "./submit-end.js";
import type { SubmitRun } from "./submit-processor.js";

export interface RefundProcessorOptions {
  refunds: RefundStore;
  payments: PaymentStore;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  recorder: RefundRecorder;
  schedule: ReconcileSchedule<RefundRef>;
  limiter: GatewayLimiter;
  metrics: PayerMetrics;
  logger: Logger;
  /** A `submitting` refund is looked at by the refund reconciler this long after its submit began. */
  watchdogMs: number;
  /**
   * A refund sent before is sent again (after a query proved it was not filed) only this long
   * after that send left: by then the earlier request was answered or abandoned (the refund call's
   * deadline, `OCEANPAYMENT_PAY_TIMEOUT_MS`), so it cannot still be filed behind the query's back.
   */
  resendAfterMs: number;
  backoff: OutageBackoff;
  /** `UNSETTLED_REVIEW_AFTER_MS`: past it, a refund whose applyRefund still got no answer goes to `needs_review`. */
  window: SettlementWindow;
  clock: () => number;
}

interface Context {
  run: SubmitRun;
  ref: RefundRef;
  payment: RefundedPayment;
  credentials: OceanpaymentCredentials;
  log: ChildLogger;
}

/**
 * Files one refund with Oceanpayment (applyRefund), from a refund job or the refund feed, as the
 * submit processor sends a payment, with one rule more: applyRefund has no idempotency key at the
 * gateway, so it is sent only when nothing was sent before (atomic send counter, counted before
 * the send) and the refund was not `submitting` when picked up. Otherwise, and after every
 * uncertain answer (time-out, reset, 5xx, unreadable), the gateway is asked first (queryRefund,
 * or the payment's refundList) and its answer adopted; a resend happens only when that answer
 * proves the refund was never filed and the earlier request can no longer be (`resendAfterMs`).
 * A filed refund is `pending` until the money moves (notice or the refund reconciler).
 */
export class RefundProcessor {
  constructor(private readonly options: RefundProcessorOptions) {}

  /** A refund job's run: a first applyRefund that had to wait, or a retry. The worker boundary. */
  readonly process = async (job: Job, token?: string): Promise<string> => {
    if (job.name !== jobCatalog.submitRefund.name) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const data = jobCatalog.submitRefund.schema.parse(job.data);
    const prior = data.priorAttempts ?? 0;
    const run: SubmitRun = { id: job.id ?? "", attemptsMade: prior + job.attemptsMade, attempts: prior + (job.opts.attempts ?? 1), reservedAt: data.reservedAt };
    return endJob(job, token, await this.submit({ account: data.account, orderNumber: data.orderNumber, refundNumber: data.refundNumber }, run));
  };

  /** A run of any carrier; it never throws: every error ends in a decision. */
  async submit(ref: RefundRef, run: SubmitRun): Promise<SubmitRunEnd> {
    const bindings = { run: run.id, orderNumber: ref.orderNumber, refundNumber: ref.refundNumber };
    let log = lazyChildLogger(this.options.logger, bindings);
    try {
      // The refund and its payment in one round trip: a first applyRefund needs both.
      const [snapshot, payment] = await Promise.all([this.options.refunds.sendSnapshot(ref), this.options.payments.get(paymentRefOf(ref))]);
      if (!snapshot) {
        log.warn("refund run for an unknown refund");
        return done("not_found");
      }
      log = lazyChildLogger(this.options.logger, { ...bindings, storeId: snapshot.refund.storeId });
      return await this.attempt(run, ref, snapshot.refund, payment, log);
    } catch (error) {
      return this.failed(run, ref, error, log).catch((failure: unknown) => retry(failure));
    }
  }

  private async attempt(run: SubmitRun, ref: RefundRef, refund: Refund, payment: Payment | undefined, log: ChildLogger): Promise<SubmitRunEnd> {
    const { refunds, schedule, clock } = this.options;
    switch (refund.status) {
      case "succeeded":
      case "failed":
      case "needs_review":
        return done(refund.status);
      case "pending":
        // Filed already; make sure something keeps asking until a notice or a query settles it.
        await schedule.schedule(ref, clock());
        return done(refund.status);
      case "accepted":
      case "submitting":
        break;
      default:
        return assertNever(refund.status);
    }
    const ctx = this.context(run, ref, refund, payment, log);
    const parked = await this.gate(ctx);
    if (parked) return parked;
    let current = refund;
    if (refund.status === "accepted") {
      // Watchdog, set with the move: should this run be lost for good, the refund reconciler still settles it.
      const moved = await refunds.transition(ref, { to: "submitting", source: "payer" }, { current: refund, reconcile: { dueAt: clock() + this.options.watchdogMs } });
      if (moved.outcome === "not_found") return done("not_found");
      // Moved by us: nothing can have been sent. Moved by someone else: start over from a fresh read.
      if (moved.outcome === "applied") return this.send(ctx, moved.refund, 0);
      current = moved.refund;
      if (current.status !== "submitting") return this.attempt(run, ref, current, payment, log);
    }
    // Picked up `submitting`: another run began it, and may have sent it.
    const snapshot = await refunds.sendSnapshot(ref);
    if (!snapshot) return done("not_found");
    log.info({ sends: snapshot.sends }, "refund resumed: asking the gateway before any resend");
    const settled = await this.queryAndAdopt(ctx, snapshot.refund);
    if (settled !== "no_attempt") return done(settled);
    const wait = snapshot.sentAt === undefined ? 0 : snapshot.sentAt + this.options.resendAfterMs - clock();
    // The gateway shows no such refund, but an earlier request may still be on its way there.
    if (wait > 0) return park(wait);
    const parkedAgain = await this.gate(ctx);
    if (parkedAgain) return parkedAgain;
    return this.send(ctx, snapshot.refund, snapshot.sends);
  }

  /** What a run needs to ask or file at the gateway: the store's credentials and the refunded payment's payment_id. */
  private context(run: SubmitRun, ref: RefundRef, refund: Refund, payment: Payment | undefined, log: ChildLogger): Context {
    const store = this.options.stores.byStoreId(refund.storeId);
    if (!store) throw new PaymentUnworkableError(`store ${refund.storeId} is not in the stores file`);
    if (payment?.paymentId === undefined) throw new PaymentUnworkableError("the refunded payment is gone or knows no payment_id");
    return { run, ref, payment: payment as RefundedPayment, credentials: credentialsOf(store), log };
  }

  /** One applyRefund: counted first (only if nobody else counted one since `sendsSeen`), then sent, then its answer recorded. */
  private async send(ctx: Context, refund: Refund, sendsSeen: number): Promise<SubmitRunEnd> {
    const { refunds, client, recorder, metrics } = this.options;
    const input: RefundInput = {
      credentials: ctx.credentials,
      paymentId: ctx.payment.paymentId,
      refundNumber: refund.refundNumber,
      refundType: refundTypeFor(ctx.payment.amount, refund.amount),
      amount: refund.amount,
      description: refund.reason ?? "",
    };
    try {
      buildRefundForm(input); // validates before anything is counted or sent
    } catch (error) {
      if (!(error instanceof GatewayRequestInvalidError)) throw error;
      await recorder.apply(ctx.ref, { to: "failed", source: "payer", code: error.code, reason: `request invalid: ${error.field}` }, ctx.log, refund);
      return done("failed");
    }
    const counted = await refunds.recordSend(ctx.ref, sendsSeen);
    if (!counted.recorded) {
      if (counted.reason === "count_moved") throw new OutcomeUnsettledError("another payer sent this refund concurrently");
      ctx.log.info({ why: counted.reason }, "refund left submitting before the send: not sent");
      return done(counted.reason);
    }
    const outcome = await client.refund(input);
    metrics.refunds.inc({ outcome: outcome.kind });
    if (outcome.kind !== "retryable" && outcome.kind !== "ambiguous") this.options.backoff.answered(ctx.ref.account);
    return this.record(ctx, refund, outcome);
  }

  private async record(ctx: Context, refund: Refund, outcome: RefundOutcome): Promise<SubmitRunEnd> {
    const decision = refundAnswerDecision(outcome);
    switch (decision.action) {
      case "transition":
        await this.options.recorder.apply(ctx.ref, decision.change, ctx.log, refund);
        return done(outcome.kind);
      case "unanswered":
        throw refundOutcomeError(decision.failure) as Error;
      case "query": {
        ctx.log.warn({ outcome: outcome.kind, why: decision.why }, "refund outcome uncertain: asking the gateway, never resending blindly");
        const parked = await this.gate(ctx);
        if (parked) return parked;
        const settled = await this.queryAndAdopt(ctx, refund);
        // Possibly still on its way at the gateway: the next run asks again before any resend.
        if (settled === "no_attempt") throw new OutcomeUnsettledError(`applyRefund was ${outcome.kind} and the gateway shows no such refund yet`);
        return done(settled);
      }
      default:
        return assertNever(decision);
    }
  }

  /** Asks the gateway about the refund and records what it proves; `no_attempt`: never filed. */
  private async queryAndAdopt(ctx: Context, refund: Refund): Promise<string> {
    const state = await queryRefundState(this.options.client, this.options.metrics, ctx.credentials, ctx.payment, refund);
    switch (state.action) {
      case "transition": {
        this.options.backoff.answered(ctx.ref.account);
        const result = await this.options.recorder.apply(ctx.ref, state.change, ctx.log, refund);
        return result.outcome === "applied" ? result.refund.status : state.change.to;
      }
      case "open":
        this.options.backoff.answered(ctx.ref.account);
        return refund.status;
      case "no_attempt":
        this.options.backoff.answered(ctx.ref.account);
        return "no_attempt";
      case "unanswered":
      case "refused":
        throw refundQueryError(state);
      default:
        return assertNever(state);
    }
  }

  private gate(ctx: Context): Promise<ParkedRun | undefined> {
    return gateCall(this.options.limiter, ctx.credentials, ctx.run, () => this.options.metrics.rateLimited.inc({ operation: "refund" }));
  }

  /** A run ended in an error: `submitEndAfter` decides how (as for a payment's submit); this carries it out. */
  private async failed(run: SubmitRun, ref: RefundRef, error: unknown, log: ChildLogger): Promise<SubmitRunEnd> {
    const { refunds, window, backoff, metrics, schedule, clock, recorder } = this.options;
    const end: SubmitEnd = await submitEndAfter({
      error,
      attemptsMade: run.attemptsMade,
      attempts: run.attempts,
      payment: () => refunds.get(ref),
      now: clock(),
      window,
      unansweredDelayMs: () => backoff.unanswered(ref.account),
    });
    switch (end.end) {
      case "park":
      case "retry":
        metrics.retries.inc();
        log.warn({ end: end.end, attempt: run.attemptsMade + 1, reason: errorSummary(error) }, "refund run will be tried again");
        return end;
      case "done":
        if (end.result === "pending") await schedule.schedule(ref, clock());
        return end;
      case "review": {
        // An `accepted` refund goes through `submitting` (nothing was sent).
        if (end.status === "accepted") await refunds.transition(ref, { to: "submitting", source: "payer", reason: "moved for review" });
        const result = await recorder.needsReview(ref, "payer", end.kind, end.reason, log);
        return result.outcome === "not_found" ? retry(error) : done("needs_review");
      }
      default:
        return assertNever(end);
    }
  }
}
