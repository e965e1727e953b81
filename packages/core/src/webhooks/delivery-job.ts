import { z } from "zod";

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
