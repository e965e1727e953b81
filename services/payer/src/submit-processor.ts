import { type JobPayload, done, endJob, jobCatalog, retry } from "@oceanpos/core/jobs";
import { type ChildLogger, type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import {
  GatewayRequestInvalidError,
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  queryOrder,
  type PayOutcome,
  assertNever,
  buildPayForm,
  payAnswerDecision,
  payOutcomeError,
  settlementDecision,
} from "@oceanpos/core/oceanpayment";
import { type Payment, type PaymentRecorder, type PaymentRef, type PaymentStore, type ReconcileSchedule, type SubmitSnapshot, isFinal } from "@oceanpos/core/payments";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import { type Job, UnrecoverableError } from "bullmq";
import { OutcomeUnsettledError, PaymentUnworkableError, errorSummary } from "./errors.js";
import { type GatewayLimiter, type ParkedRun, gateCall } from "./gateway-limiter.js";
import type { OutageBackoff } from "./outage-backoff.js";
import { buildPayInput, credentialsOf } from "./pay-input.js";
import { type PayWatch, watchPay } from "./pay-watch.js";
import type { PayerMetrics } from "./payer-metrics.js";
import type { SettlementWindow } from "./settlement-window.js";
import { type SubmitEnd, type SubmitRunEnd, submitEndAfter } from "./submit-end.js";

export interface SubmitProcessorOptions {
  store: PaymentStore;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  recorder: PaymentRecorder;
  schedule: ReconcileSchedule;
  limiter: GatewayLimiter;
  metrics: PayerMetrics;
  logger: Logger;
  /** `NOTICE_URL`. */
  noticeUrl: string;
  /** A `submitting` payment is looked at by the reconciler this long after its submit began. */
  watchdogMs: number;
  /** `OCEANPAYMENT_PAY_QUERY_AFTER_MS`: a pay call unanswered this long is watched by queries (`pay-watch.ts`). */
  payQueryAfterMs: number;
  /** Waits between gateway calls that get no answer (shared with the reconciler). */
  backoff: OutageBackoff;
  /** `UNSETTLED_REVIEW_AFTER_MS`: past it, a payment still without an answer goes to `needs_review`. */
  window: SettlementWindow;
  clock: () => number;
}

type SubmitPayment = JobPayload<"submitPayment">;

/** What carries one run of a submit: a BullMQ job, or a first send read from the submit feed. */
export interface SubmitRun {
  /** For logs: the job's id, or `feed:<stream id>`. */
  id: string;
  /** Runs of this payment's submit that failed on an answer before this one (unanswered calls do not count). */
  attemptsMade: number;
  /** Such runs allowed in all; past the last one the payment goes to `needs_review`. */
  attempts: number;
  /** The gateway call this run was parked for and holds (`gateCall` consumes it). */
  reservedAt?: number | undefined;
}

interface Context {
  run: SubmitRun;
  ref: PaymentRef;
  store: Store;
  credentials: OceanpaymentCredentials;
  log: ChildLogger;
  /** The wallet code, read with the payment (removed once final, when nothing is sent anyway). */
  authCode: string | undefined;
}

/**
 * Runs one submit, from a job or the submit feed. The rule that keeps money safe: a pay request
 * is sent only when nothing was sent before (atomic send counter on the payment, incremented
 * before every send) and the payment was not already `submitting` when picked up; otherwise the
 * gateway is queried first and its answer adopted, and a resend happens only when the query
 * proves it holds no attempt. A gateway call that gets no answer is made again later (the run is
 * parked) without using up an attempt, until the settlement window runs out.
 *
 * A run ends as a value (`SubmitRunEnd`), whichever its carrier: the BullMQ job (`process`, through
 * `endJob`) or the submit feed carries it out. How a failed run ends is decided by
 * `submitEndAfter`; this class carries out what concerns the payment (a review, the schedule).
 */
export class SubmitProcessor {
  constructor(private readonly options: SubmitProcessorOptions) {}

  /** A submit job's run: a first send that had to wait, or a retry. The worker boundary. */
  readonly process = async (job: Job, token?: string): Promise<string> => {
    if (job.name !== jobCatalog.submitPayment.name) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const data: SubmitPayment = jobCatalog.submitPayment.schema.parse(job.data);
    const prior = data.priorAttempts ?? 0;
    const run: SubmitRun = {
      id: job.id ?? "",
      attemptsMade: prior + job.attemptsMade,
      attempts: prior + (job.opts.attempts ?? 1),
      reservedAt: data.reservedAt,
    };
    return endJob(job, token, await this.submit({ account: data.account, orderNumber: data.orderNumber }, run));
  };

  /** A run of any carrier; it never throws: every error ends in a decision. */
  async submit(ref: PaymentRef, run: SubmitRun): Promise<SubmitRunEnd> {
    const bindings = { run: run.id, orderNumber: ref.orderNumber, account: ref.account };
    // The run's logger, with the store once known; a pino child only if the run logs.
    let log: ChildLogger | undefined;
    try {
      // Payment, send count and wallet code in one round trip.
      const snapshot = await this.options.store.submitSnapshot(ref);
      if (!snapshot) {
        this.options.logger.warn(bindings, "submit for an unknown payment");
        return done("not_found");
      }
      log = lazyChildLogger(this.options.logger, { ...bindings, storeId: snapshot.payment.storeId });
      return await this.attempt(run, ref, snapshot, log);
    } catch (error) {
      return this.failed(run, ref, error, log ?? lazyChildLogger(this.options.logger, bindings)).catch((failure: unknown) => retry(failure));
    }
  }

  private async attempt(run: SubmitRun, ref: PaymentRef, snapshot: SubmitSnapshot, log: ChildLogger): Promise<SubmitRunEnd> {
    const { schedule, clock } = this.options;
    const { payment, authCode } = snapshot;
    switch (payment.status) {
      case "succeeded":
      case "failed":
      case "voided":
      case "needs_review":
        return done(payment.status);
      case "pending":
      case "awaiting_customer":
        // Sent already; make sure something keeps asking until a notice or a query settles it.
        await schedule.schedule(ref, clock());
        return done(payment.status);
      case "accepted":
      case "submitting":
        break;
      default:
        return assertNever(payment.status);
    }
    const store = this.options.stores.byStoreId(payment.storeId);
    if (!store) throw new PaymentUnworkableError(`store ${payment.storeId} is not in the stores file`);
    const ctx: Context = { run, ref, store, credentials: credentialsOf(store), log, authCode };
    const parked = await this.gate(ctx, "submit");
    if (parked) return parked;

    let current = payment;
    let resumed = payment.status === "submitting";
    // Read with the status: while `accepted` nothing can be counted (only `submitting` counts), so
    // after our own accepted→submitting CAS it is still exact; `recordSend` re-checks it anyway.
    let sends = snapshot.sends;
    if (payment.status === "accepted") {
      const moved = await this.options.store.transition(
        ref,
        { to: "submitting", source: "payer" },
        // Watchdog, set with the move: should this job be lost for good, the reconciler still settles the payment.
        { current: payment, reconcile: { dueAt: clock() + this.options.watchdogMs } },
      );
      if (moved.outcome === "not_found") return done("not_found");
      current = moved.payment;
      if (moved.outcome !== "applied") {
        // Someone else moved it first: start over from a fresh read of everything.
        const fresh = await this.options.store.submitSnapshot(ref);
        if (!fresh) return done("not_found");
        if (fresh.payment.status !== "submitting") return this.attempt(run, ref, fresh, log);
        current = fresh.payment;
        sends = fresh.sends;
        ctx.authCode = fresh.authCode;
        resumed = true; // another payer moved it first: treat as a resumed submit
      }
    }

    if (resumed || sends > 0) {
      log.info({ sends, resumed }, "submit resumed: querying before any resend");
      const settled = await this.queryAndAdopt(ctx, current);
      if (settled !== "no_attempt") return done(settled);
      const parkedAgain = await this.gate(ctx, "submit");
      if (parkedAgain) return parkedAgain;
    }
    return this.send(ctx, current, sends);
  }

  /**
   * One pay request: counted first (only if nobody else counted one since `sendsSeen` was read),
   * then sent, then its outcome recorded.
   */
  private async send(ctx: Context, payment: Payment, sendsSeen: number): Promise<SubmitRunEnd> {
    const { store, client, recorder, metrics } = this.options;
    const input = buildPayInput({ payment, store: ctx.store, authCode: ctx.authCode, noticeUrl: this.options.noticeUrl });
    try {
      buildPayForm(input); // validates before anything is counted or sent
    } catch (error) {
      if (!(error instanceof GatewayRequestInvalidError)) throw error;
      // The same request was invalid every time: nothing can have reached the gateway.
      await recorder.apply(ctx.ref, { to: "failed", source: "payer", code: error.code, reason: `request invalid: ${error.field}` }, ctx.log, payment);
      return done("failed");
    }
    const counted = await store.recordSend(ctx.ref, sendsSeen);
    if (!counted.recorded) {
      if (counted.reason === "count_moved") {
        // Another payer sent meanwhile (a stalled job running twice): settle by query instead.
        throw new OutcomeUnsettledError("another payer sent this payment concurrently");
      }
      ctx.log.info({ why: counted.reason }, "payment left submitting before the send: not sent");
      return done(counted.reason);
    }
    const settled: { status?: string } = {};
    const { outcome, settledMeanwhile } = await watchPay(client.pay(input), this.payWatch(ctx, payment, settled));
    metrics.submissions.inc({ outcome: outcome.kind });
    if (outcome.kind !== "retryable" && outcome.kind !== "ambiguous") this.options.backoff.answered(ctx.ref.account);
    const definite = outcome.kind !== "retryable" && outcome.kind !== "ambiguous" && outcome.kind !== "duplicate_order";
    // A query settled it while the call hung; an answer that says nothing more needs no second query.
    if (settledMeanwhile && !definite) return done(settled.status ?? "settled");
    return this.record(ctx, payment, outcome);
  }

  /**
   * While the pay call hangs: query the order (never resend), within the terminal's rate limit,
   * and record a final answer at once. Again after `payQueryAfterMs` while the gateway answers
   * "not yet", after the outage backoff while it does not answer.
   */
  private payWatch(ctx: Context, payment: Payment, settled: { status?: string }): PayWatch {
    const { limiter, backoff, payQueryAfterMs } = this.options;
    return {
      afterMs: payQueryAfterMs,
      ask: async () => {
        if (!(await limiter.take(ctx.credentials)).allowed) return "open";
        const status = await this.queryAndAdopt(ctx, payment);
        if (!isFinal(status as Payment["status"])) return "open";
        ctx.log.info({ status }, "pay call still unanswered: settled by query");
        settled.status = status;
        return "settled";
      },
      delayAfter: (last) => (last === "open" ? payQueryAfterMs : backoff.unanswered(ctx.ref.account)),
    };
  }

  private async record(ctx: Context, payment: Payment, outcome: PayOutcome): Promise<SubmitRunEnd> {
    const { ref, log } = ctx;
    const decision = payAnswerDecision(outcome);
    switch (decision.action) {
      case "transition":
        await this.options.recorder.apply(ref, decision.change, log, payment);
        return done(outcome.kind);
      case "unanswered":
        throw payOutcomeError(decision.failure) as Error;
      case "query": {
        log.warn({ outcome: outcome.kind }, "pay outcome uncertain: settling by query");
        const parked = await this.gate(ctx, "query");
        if (parked) return parked;
        const settled = await this.queryAndAdopt(ctx, payment);
        if (settled === "no_attempt") {
          // Possibly still in flight at the gateway: retry later; the next run queries first again.
          throw new OutcomeUnsettledError(`pay was ${outcome.kind} and the gateway shows no attempt yet`);
        }
        return done(settled);
      }
      default:
        return assertNever(decision);
    }
  }

  /** Queries the order and records what it proves; `no_attempt` means a resend is safe. */
  private async queryAndAdopt(ctx: Context, payment: Payment): Promise<string> {
    const settlement = await queryOrder(this.options.client, ctx.credentials, payment, this.options.metrics.countQuery);
    this.options.backoff.answered(ctx.ref.account);
    const decision = settlementDecision(payment, settlement, "query");
    switch (decision.action) {
      case "transition": {
        const result = await this.options.recorder.apply(ctx.ref, decision.change, ctx.log, payment);
        return result.outcome === "applied" ? result.payment.status : decision.change.to;
      }
      case "open":
        return payment.status;
      case "no_attempt":
        return "no_attempt";
      default:
        return assertNever(decision);
    }
  }

  private gate(ctx: Context, operation: string): Promise<ParkedRun | undefined> {
    return gateCall(this.options.limiter, ctx.credentials, ctx.run, () => this.options.metrics.rateLimited.inc({ operation }));
  }

  /** A run ended in an error: `submitEndAfter` decides how; this carries out what concerns the payment. */
  private async failed(run: SubmitRun, ref: PaymentRef, error: unknown, log: ChildLogger): Promise<SubmitRunEnd> {
    const { store, window, backoff, metrics, schedule, clock } = this.options;
    const end: SubmitEnd = await submitEndAfter({
      error,
      attemptsMade: run.attemptsMade,
      attempts: run.attempts,
      payment: () => store.get(ref),
      now: clock(),
      window,
      unansweredDelayMs: () => backoff.unanswered(ref.account),
    });
    switch (end.end) {
      case "park":
        metrics.retries.inc();
        log.warn({ delayMs: end.delayMs, reason: errorSummary(error) }, "gateway did not answer: submit parked, no attempt used");
        return end;
      case "retry":
        metrics.retries.inc();
        log.warn({ attempt: run.attemptsMade + 1, attempts: run.attempts, reason: errorSummary(error) }, "submit will be retried");
        return end;
      case "done":
        // The payment moved on despite the error: that answer stands, and keeps being asked about while open.
        if (end.result === "pending" || end.result === "awaiting_customer") await schedule.schedule(ref, clock());
        return end;
      case "review":
        return this.review(ref, end, error, log);
      default:
        return assertNever(end);
    }
  }

  /** Moves the payment to `needs_review` (an `accepted` one through `submitting`: nothing was sent). */
  private async review(ref: PaymentRef, end: SubmitEnd & { end: "review" }, error: unknown, log: ChildLogger): Promise<SubmitRunEnd> {
    if (end.status === "accepted") {
      await this.options.store.transition(ref, { to: "submitting", source: "payer", reason: "moved for review" });
    }
    const result = await this.options.recorder.needsReview(ref, "payer", end.kind, end.reason, log);
    if (result.outcome === "not_found") return retry(error);
    return done("needs_review");
  }
}
