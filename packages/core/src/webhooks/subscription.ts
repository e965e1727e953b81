import { z } from "zod";
import { EventPattern, matchesEventPattern } from "../events/event-pattern.js";
import type { StreamEvent } from "../payments/payment-event.js";

const StoreIds = z
  .array(z.string().min(1).max(100), { error: "must be an array of store ids" })
  .min(1, "must list at least one store id (omit it for every store)")
  .max(1000);
const Events = z.array(EventPattern, { error: "must be an array of event types" }).min(1, "must list at least one event type").max(20);
const Url = z.string({ error: "must be a string" }).max(2048, "must be at most 2048 characters");

/** A webhook subscription as stored and shown (the secret is kept apart and shown once). */
export const Subscription = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  /** Only events of these stores; null for every store. */
  storeIds: z.array(z.string()).nullable(),
  enabled: z.boolean(),
  description: z.string().optional(),
  /** Why it was disabled automatically (e.g. the endpoint answered 410). */
  disabledReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Subscription = z.infer<typeof Subscription>;

/** Body of `POST /v1/subscriptions`. */
export const CreateSubscription = z.strictObject({
  url: Url,
  events: Events,
  storeIds: StoreIds.optional(),
  description: z.string({ error: "must be a string" }).max(500).optional(),
});
export type CreateSubscription = z.infer<typeof CreateSubscription>;

/** Body of `PATCH /v1/subscriptions/{id}`: every field optional, `storeIds: null` clears the filter. */
export const UpdateSubscription = z.strictObject({
  url: Url.optional(),
  events: Events.optional(),
  storeIds: StoreIds.nullable().optional(),
  enabled: z.boolean({ error: "must be true or false" }).optional(),
  description: z.string({ error: "must be a string" }).max(500).optional(),
});
export type UpdateSubscription = z.infer<typeof UpdateSubscription>;

/** The longest a replaced secret may keep signing: a week, time enough to deploy a subscriber. */
const maxPreviousSecretSeconds = 7 * 24 * 3600;

/** Body of `POST /v1/subscriptions/{id}/rotate-secret`. */
export const RotateSecret = z.strictObject({
  /** How long the replaced secret keeps signing next to the new one (0: stops at once); default a day. */
  previousSecretExpiresInSeconds: z
    .number({ error: "must be a whole number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be 0 or more")
    .max(maxPreviousSecretSeconds, `must be at most ${maxPreviousSecretSeconds} (a week)`)
    .default(24 * 3600),
});
export type RotateSecret = z.infer<typeof RotateSecret>;

/** Whether this subscription wants this event (ignores `enabled`: callers decide about that). */
export function subscriptionMatches(subscription: Pick<Subscription, "events" | "storeIds">, event: StreamEvent): boolean {
  if (!matchesEventPattern(subscription.events, event.type)) return false;
  return subscription.storeIds === null || subscription.storeIds.includes(event.data.storeId);
}
