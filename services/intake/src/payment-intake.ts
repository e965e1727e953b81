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
import { buildPayment } from "./build-payment.js";
import { IdempotencyConflictError, RateLimitedError } from "./errors.js";
import type { IntakeMetrics } from "./metrics.js";

export interface PaymentIntakeOptions {
  payments: PaymentStore;
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
 * Accepting payments: store them, idempotent per account + orderNumber and atomic with their
 * `payment.accepted` event and their submit feed entry (the payer's cue to send them: there is no
 * window in which a payment exists unsent and unannounced). Replays and conflicts are decided
 * from what the create script found, never by reading first, so concurrent duplicates and other
 * intake replicas agree.
 */
export class PaymentIntake {
  constructor(private readonly options: PaymentIntakeOptions) {}

  /**
   * One script call that takes the store's rate-limit token and creates the payment (no pipeline
   * object: this is the hot path, and the intake's connection auto-pipelines concurrent requests'
   * commands into one write).
   */
  async accept(store: Store, request: PaymentRequest): Promise<SingleAcceptOutcome> {
    const input = this.newPayment(store, request, this.options.clock());
    const limit = { scope: rateLimitScopes.store, id: store.id, ratePerSec: store.rateLimit.perSecond, burst: store.rateLimit.burst };
    const result = await this.options.payments.createWithinLimit(input, limit);
    if ("limited" in result) {
      this.options.metrics.rateLimited.inc({ store: store.id });
      return { kind: "rate_limited", error: new RateLimitedError(result.retryAfterMs) };
    }
    return this.classify(store, input, result);
  }

  /**
   * One round trip for all creates (one script call per `maxPaymentsPerCreateCall`). Two items
   * with the same orderNumber run in order: the second sees the first as existing.
   */
  async acceptMany(store: Store, requests: readonly PaymentRequest[]): Promise<AcceptOutcome[]> {
    if (requests.length === 0) return [];
    const now = this.options.clock();
    const inputs = requests.map((request) => this.newPayment(store, request, now));
    const results = await this.options.payments.createMany(inputs);
    return results.map((result, i) => this.classify(store, inputs[i] as NewPayment, result));
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
}
