import type { EventLog } from "@oceanpos/core/events";
import { type WorkEnd, done, fail, retry } from "@oceanpos/core/jobs";
import { streamIdOf } from "@oceanpos/core/payments";
import {
  type DeadLetter,
  type DeliveryAttempt,
  type DeliveryLog,
  type SubscriptionStore,
  WebhookDeliveryJob,
  maxDeliveryAttempts,
  maxRetryAfterMs,
  retryDelayMs,
} from "@oceanpos/core/webhooks";
import { UnrecoverableError } from "bullmq";
import type { Logger } from "@oceanpos/core/logger";
import type { DeliveryOutcome, NotifierMetrics } from "../metrics.js";
import type { RecentEvents } from "../relay/recent-events.js";
import type { SubscriptionCache } from "../subscriptions/subscription-cache.js";
import { type SendResult, type WebhookSender, delivered } from "./webhook-sender.js";

/**
 * A failed attempt that will be retried after `delayMs` (schedule or the receiver's Retry-After):
 * the error of a `retry` end, which the workers' backoff strategy reads the delay from.
 */
export class DeliveryRetryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = "DeliveryRetryError";
  }
}

/**
 * The delivery is over without success (dead-lettered or 410): the error of a `fail` end, already
 * recorded, so that BullMQ neither retries it nor dead-letters it a second time.
 */
export class DeliveryFinalError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = "DeliveryFinalError";
  }
}

export interface DeliveryProcessorOptions {
  /** For the 410 disable. */
  subscriptions: SubscriptionStore;
  /** Subscription and secret of each attempt (version-checked, so a disable is seen at once). */
  cache: Pick<SubscriptionCache, "current">;
  eventLog: EventLog;
  /** Events the relay just read (saves the XRANGE of a first attempt). */
  recent?: RecentEvents;
  deliveryLog: DeliveryLog;
  sender: WebhookSender;
  logger: Logger;
  metrics?: NotifierMetrics;
  /** `WEBHOOK_RETRY_SCALE`; default 1. */
  retryScale?: number;
  /** Called after a 410 disabled a subscription (refresh caches). */
  onDisabled?: (subscriptionId: string) => void;
  clock?: () => Date;
}

/** What a delivery needs from BullMQ's job (or from the relay, for a direct first attempt). */
export interface DeliveryJobContext {
  id?: string;
  data: unknown;
  /** Failed attempts of this job so far (`priorAttempts` in the data come before them). */
  attemptsMade: number;
}

/**
 * One attempt of one webhook delivery: load, sign, send, log, and decide what comes next, as a
 * value (`WorkEnd`: done, retry after a delay, fail for good) that its carrier carries out: the
 * subscription's BullMQ worker (`endJob`), or the relay for a first attempt made without a job.
 * It throws only when the attempt could not be made at all (Redis failing around it).
 */
export class DeliveryProcessor {
  private readonly o: DeliveryProcessorOptions;
  private readonly clock: () => Date;
  private readonly attempts = maxDeliveryAttempts();

  constructor(options: DeliveryProcessorOptions) {
    this.o = options;
    this.clock = options.clock ?? (() => new Date());
  }

  async process(job: DeliveryJobContext, signal?: AbortSignal): Promise<WorkEnd<DeliveryOutcome>> {
    const { subscriptionId, eventId, priorAttempts = 0 } = WebhookDeliveryJob.parse(job.data);
    const attempt = priorAttempts + job.attemptsMade + 1;
    // Bindings, not a child logger: a child per job costs CPU even when nothing is logged.
    const ids = { subscriptionId, eventId, attempt };
    const log = this.o.logger;
    // Independent reads in one round trip: a delivery is on the notice→webhook hot path.
    const streamId = streamIdOf(eventId) ?? "0-0";
    const [current, entry] = await Promise.all([this.o.cache.current(subscriptionId), this.o.recent?.get(streamId) ?? this.o.eventLog.get(streamId)]);
    // Deleted: nothing to deliver to and nowhere to log it.
    if (!current) return done(this.count("skipped"));
    const { subscription, secrets } = current;
    const type = entry?.event.type ?? "unknown";
    const base = { eventId, type, attempt, at: this.clock().toISOString() };
    if (!subscription.enabled) {
      await this.record(subscriptionId, { ...base, outcome: "skipped", error: "subscription disabled" });
      return done(this.count("skipped"));
    }
    if (!entry) {
      await this.deadLetter(subscriptionId, { ...base, error: "event no longer retained" }, null);
      return fail(new DeliveryFinalError("event no longer retained"));
    }
    if (secrets.length === 0) return done(this.count("skipped"));

    const { id, createdAt, data } = entry.event;
    const body = JSON.stringify({ id, type, createdAt, data });
    const result = await this.o.sender.send({ url: subscription.url, id, body, secrets, ...(signal ? { signal } : {}) });
    this.o.metrics?.deliveryDuration.observe(result.latencyMs / 1000);
    const facts = { statusCode: result.statusCode, latencyMs: result.latencyMs };

    if (delivered(result)) {
      await this.record(subscriptionId, { ...base, ...facts, outcome: "delivered" });
      if (log.isLevelEnabled("debug")) log.debug({ ...ids, ...facts }, "webhook delivered");
      return done(this.count("delivered"));
    }
    const error = describeFailure(result);
    if (result.statusCode === 410) {
      await this.o.subscriptions.update(subscriptionId, { enabled: false, disabledReason: "endpoint answered 410 Gone" });
      this.o.onDisabled?.(subscriptionId);
      await this.deadLetter(subscriptionId, { ...base, ...facts, error }, "gone");
      log.warn(ids, "webhook endpoint answered 410: subscription disabled");
      return fail(new DeliveryFinalError(error));
    }
    if (attempt >= this.attempts) {
      await this.deadLetter(subscriptionId, { ...base, ...facts, error }, null);
      log.warn({ ...ids, statusCode: result.statusCode, error }, "webhook dead-lettered after the last attempt");
      return fail(new DeliveryFinalError(error));
    }
    const delayMs = this.nextDelay(attempt, result);
    const nextTryAt = new Date(this.clock().getTime() + delayMs).toISOString();
    await this.record(subscriptionId, { ...base, ...facts, outcome: "retrying", error, nextTryAt });
    this.count("retrying");
    log.info({ ...ids, statusCode: result.statusCode, error, delayMs }, "webhook failed; will retry");
    return retry(new DeliveryRetryError(error, delayMs), delayMs);
  }

  /**
   * Records a dead letter for a job BullMQ failed for good for another reason than a delivery
   * answer (e.g. Redis errors on every attempt), so that nothing disappears silently.
   */
  async failedForGood(job: DeliveryJobContext, err: Error): Promise<void> {
    if (err instanceof DeliveryFinalError) return;
    const parsed = WebhookDeliveryJob.safeParse(job.data);
    if (!parsed.success) return;
    const { subscriptionId, eventId, priorAttempts = 0 } = parsed.data;
    const base = { eventId, type: "unknown", attempt: priorAttempts + job.attemptsMade, at: this.clock().toISOString() };
    await this.deadLetter(subscriptionId, { ...base, error: err.message.slice(0, 300) }, null);
  }

  /** Retry-After (429/503) wins over the schedule, bounded by the schedule's longest step. */
  private nextDelay(attempt: number, result: SendResult): number {
    if (result.retryAfterMs !== undefined) return Math.min(result.retryAfterMs, maxRetryAfterMs());
    return retryDelayMs(attempt, { scale: this.o.retryScale ?? 1 }) ?? 0;
  }

  private async deadLetter(
    subscriptionId: string,
    a: { eventId: string; type: string; attempt: number; at: string; error: string; statusCode?: number | null; latencyMs?: number },
    outcome: "gone" | null,
  ): Promise<void> {
    const letter: DeadLetter = {
      eventId: a.eventId,
      type: a.type,
      attempts: a.attempt,
      lastError: a.error,
      lastStatusCode: a.statusCode ?? null,
      at: a.at,
    };
    await this.record(subscriptionId, { ...a, outcome: outcome ?? "dead_lettered", deadLettered: true }, letter);
    this.count(outcome ?? "dead_lettered");
  }

  private async record(
    subscriptionId: string,
    a: Partial<DeliveryAttempt> & Pick<DeliveryAttempt, "eventId" | "type" | "attempt" | "at" | "outcome">,
    letter?: DeadLetter,
  ): Promise<void> {
    const attempt: DeliveryAttempt = {
      statusCode: null,
      latencyMs: null,
      error: null,
      nextTryAt: null,
      deadLettered: false,
      ...a,
    };
    await this.o.deliveryLog.record(subscriptionId, attempt, letter);
  }

  private count(outcome: DeliveryOutcome): DeliveryOutcome {
    this.o.metrics?.deliveries.inc({ outcome });
    return outcome;
  }
}

function describeFailure(result: SendResult): string {
  if (result.statusCode === null) return result.error ?? "no answer";
  return `receiver answered ${result.statusCode}`;
}
