import { type WorkEnd, done, endJob, fail, jobCatalog, retry } from "@oceanpos/core/jobs";
import { type ChildLogger, type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import {
  type OceanpaymentClient,
  type OceanpaymentCredentials,
  queryOrder,
  type VoidOutcome,
  assertNever,
  gatewayCodes,
  settlementDecision,
  voidAnswerDecision,
  voidOutcomeError,
} from "@oceanpos/core/oceanpayment";
import type { Payment, PaymentRecorder, PaymentRef, PaymentStore } from "@oceanpos/core/payments";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { type Job, UnrecoverableError } from "bullmq";
import { OutcomeUnsettledError, errorSummary } from "./errors.js";
import { type GatewayLimiter, type HeldReservation, type ParkedRun, gateCall } from "./gateway-limiter.js";
import { credentialsOf } from "./pay-input.js";
import type { PayerMetrics } from "./payer-metrics.js";

export interface VoidProcessorOptions {
  store: PaymentStore;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  recorder: PaymentRecorder;
  limiter: GatewayLimiter;
  metrics: PayerMetrics;
  logger: Logger;
}

interface Context {
  /** The gateway call the job was parked for, if any. */
  held: HeldReservation;
  ref: PaymentRef;
  payment: Payment;
  credentials: OceanpaymentCredentials;
  log: ChildLogger;
}

/**
 * Voids an unpaid offline payment (`awaiting_customer` or `pending`). A void that the gateway
 * refuses because the order was paid, or whose answer is lost, is settled by a query: a success
 * always wins (`succeeded`, reason "void raced a success"); a voided attempt ends `voided`.
 */
export class VoidProcessor {
  constructor(private readonly options: VoidProcessorOptions) {}

  /** A void job's run; the worker boundary, which carries its end out (`endJob`). */
  readonly process = async (job: Job, token?: string): Promise<string> => {
    if (job.name !== jobCatalog.voidPayment.name) throw new UnrecoverableError(`unknown job name ${job.name}`);
    return endJob(job, token, await this.run(job));
  };

  private async run(job: Job): Promise<WorkEnd<string>> {
    const data = jobCatalog.voidPayment.schema.parse(job.data);
    const ref = { account: data.account, orderNumber: data.orderNumber };
    const bindings = { jobId: job.id, orderNumber: data.orderNumber, account: data.account };
    const payment = await this.options.store.get(ref);
    if (!payment) return done("not_found");
    const log = lazyChildLogger(this.options.logger, { ...bindings, storeId: payment.storeId });
    if (payment.status !== "awaiting_customer" && payment.status !== "pending") {
      log.info({ status: payment.status }, "nothing to void");
      return done(payment.status);
    }
    const store = this.options.stores.byStoreId(payment.storeId);
    if (!store) return fail(new Error(`store ${payment.storeId} is not in the stores file`));
    const ctx: Context = { held: { reservedAt: data.reservedAt }, ref, payment, credentials: credentialsOf(store), log };
    try {
      const parked = await this.gate(ctx);
      if (parked) return parked;
      const outcome = await this.options.client.void(ctx.credentials, ref.orderNumber);
      return await this.handle(ctx, outcome);
    } catch (error) {
      this.options.metrics.retries.inc();
      log.warn({ attempt: job.attemptsMade + 1, reason: errorSummary(error) }, "void will be retried");
      // After the last attempt the payment stays open: the reconciler keeps settling it by query.
      return retry(error);
    }
  }

  private async handle(ctx: Context, outcome: VoidOutcome): Promise<WorkEnd<string>> {
    const { metrics, recorder } = this.options;
    metrics.voids.inc({ outcome: outcome.kind === "refused" && outcome.code === gatewayCodes.alreadyPaid ? "raced_success" : outcome.kind });
    const decision = voidAnswerDecision(outcome);
    switch (decision.action) {
      case "transition": {
        const result = await recorder.apply(ctx.ref, decision.change, ctx.log);
        if (result.outcome === "unchanged" && result.payment.status !== "voided") {
          ctx.log.error({ status: result.payment.status }, "gateway confirmed a void of a payment recorded otherwise");
        }
        return done("voided");
      }
      case "query":
        // A refusal (the order was paid) is news; an unclear answer is a warning.
        ctx.log[outcome.kind === "refused" ? "info" : "warn"]({ why: decision.why }, "void not confirmed: settling by query");
        return this.settleByQuery(ctx);
      case "refused":
        ctx.log.error({ code: decision.code }, "void request refused by the gateway");
        return fail(new Error(`void refused by the gateway (${decision.code})`));
      case "unanswered":
        throw voidOutcomeError(decision.failure) as Error;
      default:
        return assertNever(decision);
    }
  }

  /** Adopts what the gateway holds; an attempt still open means the void has not taken effect: retry it. */
  private async settleByQuery(ctx: Context): Promise<WorkEnd<string>> {
    const parked = await this.gate(ctx);
    if (parked) return parked;
    const settlement = await queryOrder(this.options.client, ctx.credentials, ctx.payment, this.options.metrics.countQuery);
    const decision = settlementDecision(ctx.payment, settlement, "void");
    switch (decision.action) {
      case "transition":
        await this.options.recorder.apply(ctx.ref, decision.change, ctx.log);
        return done(decision.change.to);
      case "open":
        throw new OutcomeUnsettledError("void not confirmed: the order still has an open attempt");
      case "no_attempt":
        throw new OutcomeUnsettledError("void not confirmed: the gateway shows no attempt");
      default:
        return assertNever(decision);
    }
  }

  private gate(ctx: Context): Promise<ParkedRun | undefined> {
    return gateCall(this.options.limiter, ctx.credentials, ctx.held, () => this.options.metrics.rateLimited.inc({ operation: "void" }));
  }
}
