import {
  type CreateResult,
  type NewPayment,
  type Payment,
  type PaymentRequest,
  type PaymentStore,
  requestFingerprint,
} from "@oceanpos/core/payments";
import { rateLimitScopes } from "@oceanpos/core/rate-limit";
import type { Store } from "@oceanpos/core/stores";
import type { FastifyBaseLogger } from "fastify";
import { buildPayment } from "./build-payment.js";
import { IdempotencyConflictError, RateLimitedError } from "./errors.js";
import type { SubmitQueue } from "./jobs.js";
import type { IntakeMetrics } from "./metrics.js";
import { SubmitBatcher } from "./submit-batcher.js";

export interface PaymentIntakeOptions {
  payments: PaymentStore;
  submitQueue: SubmitQueue;
  metrics: IntakeMetrics;
  clock: () => Date;
}

export type AcceptOutcome =
  | { kind: "created"; payment: Payment }
  | { kind: "replayed"; payment: Payment }
  | { kind: "conflict"; error: IdempotencyConflictError };

/** What {@link PaymentIntake.accept} can answer: also "the store's rate limit refused it". */
export type SingleAcceptOutcome = AcceptOutcome | { kind: "rate_limited"; error: RateLimitedError };

/**
 * Accepting payments: store them (idempotent per account + orderNumber, atomic with their
 * `payment.accepted` event), then queue their submit jobs. Replays and conflicts are decided from
 * what the create script found, never by reading first, so concurrent duplicates and other intake
 * replicas agree.
 */
export class PaymentIntake {
  private readonly options: PaymentIntakeOptions;
  private readonly submits: SubmitBatcher;

  constructor(options: PaymentIntakeOptions) {
    this.options = options;
    this.submits = new SubmitBatcher(options.submitQueue);
  }

  /**
   * One script call that takes the store's rate-limit token and creates the payment (no pipeline
   * object: this is the hot path, and the intake's connection auto-pipelines concurrent requests'
   * commands into one write), then the submit job.
   */
  async accept(store: Store, request: PaymentRequest, log: FastifyBaseLogger): Promise<SingleAcceptOutcome> {
    const input = this.newPayment(store, request, this.options.clock());
    const limit = { scope: rateLimitScopes.store, id: store.id, ratePerSec: store.rateLimit.perSecond, burst: store.rateLimit.burst };
    const result = await this.options.payments.createWithinLimit(input, limit);
    if ("limited" in result) {
      this.options.metrics.rateLimited.inc({ store: store.id });
      return { kind: "rate_limited", error: new RateLimitedError(result.retryAfterMs) };
    }
    const outcome = this.classify(store, input, result);
    if (outcome.kind === "created") await this.enqueue(store, [input], log);
    return outcome;
  }

  /**
   * One pipeline round trip for all creates, then one `addBulk` for the payments created here
   * (shared with concurrent requests: see `SubmitBatcher`).
   * Two items with the same orderNumber run in order: the second sees the first as existing.
   */
  async acceptMany(store: Store, requests: readonly PaymentRequest[], log: FastifyBaseLogger): Promise<AcceptOutcome[]> {
    if (requests.length === 0) return [];
    const now = this.options.clock();
    const inputs = requests.map((request) => this.newPayment(store, request, now));
    const results = await this.options.payments.createMany(inputs);
    const outcomes = results.map((result, i) => this.classify(store, inputs[i] as NewPayment, result));
    const created = inputs.filter((_, i) => outcomes[i]?.kind === "created");
    await this.enqueue(store, created, log);
    return outcomes;
  }

  private newPayment(store: Store, request: PaymentRequest, now: Date): NewPayment {
    return {
      account: store.oceanpayment.account,
      orderNumber: request.orderNumber,
      payment: buildPayment(store, request, now),
      // The validated body: key order and whitespace do not matter, every field does.
      requestHash: requestFingerprint(request),
      authCode: request.authCode,
    };
  }

  private classify(store: Store, input: NewPayment, result: CreateResult): AcceptOutcome {
    const { metrics } = this.options;
    if (result.created) {
      metrics.paymentsAccepted.inc({ store: store.id, mode: result.payment.mode });
      return { kind: "created", payment: result.payment };
    }
    if (result.storeId !== store.id) {
      metrics.idempotencyConflicts.inc({ store: store.id });
      return { kind: "conflict", error: new IdempotencyConflictError(input.orderNumber, "other_store") };
    }
    if (result.requestHash !== input.requestHash) {
      metrics.idempotencyConflicts.inc({ store: store.id });
      return { kind: "conflict", error: new IdempotencyConflictError(input.orderNumber, "different_body") };
    }
    metrics.idempotentReplays.inc({ store: store.id });
    return { kind: "replayed", payment: result.payment };
  }

  /**
   * The payments are stored: if queueing fails now (Redis went away between the two calls, or
   * the process dies here), the recovery sweep re-adds their jobs, so the client still gets its
   * 202 and nothing is lost.
   */
  private async enqueue(store: Store, created: readonly NewPayment[], log: FastifyBaseLogger): Promise<void> {
    if (created.length === 0) return;
    try {
      await this.submits.add(created);
    } catch (err) {
      this.options.metrics.enqueueFailures.inc({ queue: this.options.submitQueue.name }, created.length);
      log.warn(
        { err: (err as Error).message, storeId: store.id, count: created.length, orderNumbers: created.slice(0, 10).map((p) => p.orderNumber) },
        "submit jobs not queued; the recovery sweep will queue them",
      );
    }
  }
}
