import type { JobsOptions } from "bullmq";
import { z } from "zod";
import type { IdentifiedJob } from "../jobs/add-jobs.js";
import { type JobStart, jobOptionsAfter } from "../jobs/job-catalog.js";
import { eventIdOf } from "../payments/payment-event.js";
import { maxDeliveryAttempts } from "./retry-schedule.js";

/**
 * The webhook delivery job: one (event, subscription) pair. It carries ids only; the worker
 * reads the event from the stream on every attempt, so the body is the same bytes each time and
 * job payloads stay small. It stays out of `jobs/job-catalog.ts` because its queue is not one
 * name but one per subscription.
 */
export const WebhookDeliveryJob = z.strictObject({
  subscriptionId: z.string().regex(/^sub_[0-9a-f]{24}$/),
  eventId: z.string().regex(/^evt_[0-9]+-[0-9]+$/),
  /** Attempts made before this job existed (the relay's direct first attempt); default 0. */
  priorAttempts: z.number().int().min(0).max(20).optional(),
});
export type WebhookDeliveryJob = z.infer<typeof WebhookDeliveryJob>;

export const webhookJobName = "deliver";

/** Each subscription has its own queue (see the notifier's README for why). */
export function deliveryQueueName(subscriptionId: string): string {
  return `webhooks-${subscriptionId}`;
}

/**
 * Deterministic id of the first delivery of an event to a subscription: the relay may enqueue
 * the same pair twice after a crash, and BullMQ keeps one job per id. BullMQ forbids `:` in ids.
 */
export function deliveryJobId(streamId: string, subscriptionId: string): string {
  return `whk-${streamId}-${subscriptionId}`;
}

/** A replay must run again, so it gets a fresh id; `nonce` tells replays apart. */
export function replayJobId(streamId: string, subscriptionId: string, nonce: string): string {
  return `whk-${streamId}-${subscriptionId}-r${nonce}`;
}

/** Backoff type handled by the delivery workers' own strategy (schedule, jitter, Retry-After). */
export const webhookBackoffType = "webhook";

export const deliveryJobOptions: JobsOptions = {
  attempts: maxDeliveryAttempts(),
  backoff: { type: webhookBackoffType },
  // Completed jobs are kept for a day so that a relay re-delivering an event (crash before
  // XACK) hits the same jobId and is dropped; failed ones for a week, like the event stream.
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * The delivery job of an event (by its stream id) to a subscription, as every producer adds it:
 * the relay's (its id deduplicates a second enqueue), a retry after the relay's own first attempt
 * (`priorAttempts`, `delayMs`), or a replay (`replayNonce`: a fresh id, so that it runs again).
 */
export function deliveryJob(streamId: string, subscriptionId: string, start: JobStart & { replayNonce?: string } = {}): IdentifiedJob<WebhookDeliveryJob> {
  const prior = start.priorAttempts ?? 0;
  const data: WebhookDeliveryJob = { subscriptionId, eventId: eventIdOf(streamId), ...(prior > 0 ? { priorAttempts: prior } : {}) };
  const jobId = start.replayNonce === undefined ? deliveryJobId(streamId, subscriptionId) : replayJobId(streamId, subscriptionId, start.replayNonce);
  return { name: webhookJobName, data, opts: jobOptionsAfter(deliveryJobOptions, jobId, start) };
}
