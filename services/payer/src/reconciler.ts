import { addJobs, paymentJob } from "@oceanpos/core/jobs";
import { type ChildLogger, type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import {
  type AmbiguousFailure,
  type GatewayFailure,
  type OceanpaymentClient,
  type Settlement,
  assertNever,
  maxQueryOrderNumbers,
  sentOrderOf,
  settle,
  settlementDecision,
} from "@oceanpos/core/oceanpayment";
import { type Payment, type PaymentRecorder, type PaymentRef, type PaymentStore, type ReconcileSchedule, isFinal } from "@oceanpos/core/payments";
import type { Store, StoreRegistry } from "@oceanpos/core/stores";
import type { Queue } from "bullmq";
import type { GatewayLimiter } from "./gateway-limiter.js";
import type { OutageBackoff } from "./outage-backoff.js";
import { credentialsOf } from "./pay-input.js";
import type { PayerMetrics } from "./payer-metrics.js";
import { ScheduleLoop } from "./schedule-loop.js";
import type { SettlementWindow } from "./settlement-window.js";
import type { SubmitFeed } from "./submit-feed.js";

export interface ReconcilerOptions {
  schedule: ReconcileSchedule;
  store: PaymentStore;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  recorder: PaymentRecorder;
  limiter: GatewayLimiter;
  metrics: PayerMetrics;
  logger: Logger;
  /** The submit feed: a `submitting` payment whose submit still runs or will (its first send, or the job it was handed to) is left to it. */
  feed: Pick<SubmitFeed, "workAlive">;
  /** Where expired QRs are sent to be voided. */
  voidQueue: Queue;
  /** Pause between looks at the schedule when nothing more is due. */
  tickMs: number;
  /** Due payments claimed per look. */
  batch: number;
  /** An `awaiting_customer` payment unpaid this long after its QR was shown is voided. */
  qrExpiryMs: number;
  /** Waits between queries that get no answer (shared with the submit processor). */
  backoff: OutageBackoff;
  /** `UNSETTLED_REVIEW_AFTER_MS`: a `submitting` payment still without an answer past it goes to `needs_review`. */
  window: SettlementWindow;
  /** A `needs_review` payment the gateway holds open is queried again this often at least. */
  reviewQueryMs: number;
  clock: () => number;
}

interface Item {
  ref: PaymentRef;
  payment: Payment;
  store: Store;
}

/**
 * Settles by query the payments no notice settled: claims due members of the shared schedule
 * (atomically, so several payers split the work), groups them per account/terminal into queries
 * of up to 100 order numbers, and records every final answer (which removes it from the
 * schedule). Notices move payments by the same atomic transition, so either may come first. A
 * query that gets no answer does not count as a check: its payments are asked again after the
 * outage backoff, however long the outage, so that they settle soon after the gateway is back.
 */
export class Reconciler extends ScheduleLoop {
  constructor(private readonly options: ReconcilerOptions) {
    super(options);
  }

  /** One look at the schedule; returns how many payments were due. */
  async tick(): Promise<number> {
    const { schedule, store, clock, batch } = this.options;
    const claims = await schedule.claimDue(clock(), batch);
    if (claims.length === 0) return 0;
    const payments = await Promise.all(claims.map((claim) => store.get(claim.ref)));
    const groups = new Map<string, Item[]>();
    await Promise.all(
      claims.map(async (claim, i) => {
        const item = await this.itemToQuery(claim.ref, payments[i]);
        if (!item) return;
        const key = `${item.store.oceanpayment.account}:${item.store.oceanpayment.terminal}`;
        const group = groups.get(key) ?? [];
        group.push(item);
        groups.set(key, group);
      }),
    );
    const chunks = [...groups.values()].flatMap((group) => chunk(group, maxQueryOrderNumbers));
    await Promise.all(chunks.map((items) => this.queryChunk(items)));
    return claims.length;
  }

  /**
   * Whether a claimed payment needs a query; tidies the schedule otherwise. A `failed` or `voided`
   * payment is in the schedule only because a notice of another attempt asked for its query: it is
   * asked once whether the gateway holds a charge (the store turns one into a contradiction for a
   * person), then it leaves the schedule.
   */
  private async itemToQuery(ref: PaymentRef, payment: Payment | undefined): Promise<Item | undefined> {
    const { schedule, stores, logger } = this.options;
    if (!payment || payment.status === "succeeded" || payment.status === "accepted") {
      await schedule.remove(ref);
      return undefined;
    }
    if (payment.status === "submitting" && (await this.options.feed.workAlive(ref))) return undefined;
    const store = stores.byStoreId(payment.storeId);
    if (!store) {
      logger.error({ storeId: payment.storeId, orderNumber: ref.orderNumber }, "cannot reconcile: store not in the stores file");
      return undefined;
    }
    return { ref, payment, store };
  }

  private async queryChunk(items: Item[]): Promise<void> {
    const { client, limiter, metrics, schedule, backoff, clock } = this.options;
    const first = items[0] as Item;
    const credentials = credentialsOf(first.store);
    const refs = items.map((item) => item.ref);
    const taken = await limiter.take(credentials);
    if (!taken.allowed) {
      metrics.rateLimited.inc({ operation: "reconcile" });
      await schedule.retryAt(refs, clock() + taken.retryAfterMs);
      return;
    }
    const outcome = await client.query(
      credentials,
      items.map((item) => sentOrderOf(item.payment)),
    );
    metrics.queries.inc({ result: outcome.kind });
    switch (outcome.kind) {
      case "answered": {
        backoff.answered(first.ref.account);
        const unclear: Item[] = [];
        let failure: AmbiguousFailure | undefined;
        await Promise.all(
          items.map((item) => {
            const settlement = settle(outcome.orders.get(item.ref.orderNumber));
            if (settlement.status !== "unclear") return this.adopt(item, settlement);
            // Nothing usable about this order: not evidence, so asked again like an unanswered query.
            unclear.push(item);
            failure = settlement.failure;
            return undefined;
          }),
        );
        if (failure) await this.unanswered(unclear, failure);
        return;
      }
      case "rejected":
        // An answer (the query itself refused, e.g. a secureCode out of step): the claim's step stands.
        this.options.logger.error({ result: outcome.kind, code: outcome.code, terminal: credentials.terminal, orders: items.length }, "reconciliation query refused");
        return;
      case "retryable":
      case "ambiguous":
        return this.unanswered(items, outcome);
      default:
        return assertNever(outcome);
    }
  }

  /**
   * The query got no answer: nothing is learnt, so the claim does not count and the payments are
   * asked again after the backoff. A `submitting` payment whose outcome is unknown for the whole
   * settlement window goes to `needs_review` (and is still asked, at the review pace).
   */
  private async unanswered(items: Item[], outcome: GatewayFailure): Promise<void> {
    const { schedule, backoff, window, recorder, logger, clock } = this.options;
    const first = items[0] as Item;
    const delayMs = backoff.unanswered(first.ref.account);
    logger.warn({ result: outcome.kind, reason: outcome.reason, terminal: first.store.oceanpayment.terminal, orders: items.length, delayMs }, "reconciliation query got no answer");
    const now = clock();
    const expired = items.filter((item) => item.payment.status === "submitting" && window.expired(item.payment, now));
    const cause = `query got no answer (${outcome.reason})`;
    await Promise.all([
      schedule.retryAt(
        items.map((item) => item.ref),
        now + delayMs,
      ),
      ...expired.map((item) => {
        const log = lazyChildLogger(logger, { storeId: item.payment.storeId, orderNumber: item.ref.orderNumber });
        return recorder.needsReview(item.ref, "query", "unsettled", window.reason(item.payment, now, cause), log);
      }),
    ]);
  }

  private async adopt(item: Item, settlement: Settlement): Promise<void> {
    const { recorder, logger } = this.options;
    const log = lazyChildLogger(logger, { storeId: item.payment.storeId, orderNumber: item.ref.orderNumber });
    const decision = settlementDecision(item.payment, settlement, "query");
    // A final payment is asked once (see itemToQuery): a transition is applied (a contradiction) or
    // answered unchanged, and either way it leaves the schedule; so must it when nothing is decided.
    if (isFinal(item.payment.status) && decision.action !== "transition") {
      await this.options.schedule.remove(item.ref);
      return;
    }
    switch (decision.action) {
      case "transition":
        await recorder.apply(item.ref, decision.change, log);
        return;
      case "open":
        if (item.payment.status === "awaiting_customer" && this.qrExpired(item.payment)) await this.expire(item, log);
        // Still unknown after review: asked again at the review pace, not the schedule's slowest.
        if (item.payment.status === "needs_review") await this.options.schedule.hasten(item.ref, this.options.clock() + this.options.reviewQueryMs);
        return;
      case "no_attempt":
        return this.noAttempt(item, log);
      default:
        return assertNever(decision);
    }
  }

  private async noAttempt(item: Item, log: ChildLogger): Promise<void> {
    if (item.payment.status === "submitting") {
      // Its submit job is gone and the gateway holds nothing: no charge, but no answer either.
      await this.options.recorder.needsReview(item.ref, "query", "submit_lost", "submit job ended and the gateway shows no attempt", log);
    } else if (item.payment.status === "needs_review") {
      await this.options.schedule.remove(item.ref); // nothing at the gateway to wait for
    } else {
      log.warn({ status: item.payment.status }, "gateway shows no attempt for an open payment");
    }
  }

  private qrExpired(payment: Payment): boolean {
    const shown = payment.history.findLast((entry) => entry.status === "awaiting_customer");
    return shown !== undefined && this.options.clock() - Date.parse(shown.at) >= this.options.qrExpiryMs;
  }

  private async expire(item: Item, log: ChildLogger): Promise<void> {
    await addJobs(this.options.voidQueue, [paymentJob("voidPayment", item.ref)]);
    log.info("unpaid QR expired: void requested");
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
