import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { SubscriptionCache } from "../subscriptions/subscription-cache.js";
import { type WebhookSender, delivered } from "./webhook-sender.js";

/** What `POST /v1/subscriptions/{id}/test` answers. */
export const TestWebhookResult = z.object({
  eventId: z.string(),
  delivered: z.boolean().describe("The endpoint answered 2xx"),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().optional(),
});
export type TestWebhookResult = z.infer<typeof TestWebhookResult>;

/**
 * Sends one `webhook.test` event to a subscription's URL now, signed as its deliveries are (with
 * both secrets during a rotation), and tells what the endpoint answered: an operator checks a new
 * endpoint or a new secret without waiting for a payment. Not retried, not logged as a delivery,
 * whatever the subscription's event filter or `enabled`. Undefined when the subscription is gone.
 */
export async function sendTestWebhook(o: { cache: SubscriptionCache; sender: WebhookSender }, subscriptionId: string): Promise<TestWebhookResult | undefined> {
  const current = await o.cache.current(subscriptionId);
  if (!current) return undefined;
  const eventId = `evt_test_${randomBytes(8).toString("hex")}`;
  const body = JSON.stringify({ id: eventId, type: "webhook.test", createdAt: new Date().toISOString(), data: { subscriptionId } });
  const result = await o.sender.send({ url: current.subscription.url, id: eventId, body, secrets: current.secrets });
  return { eventId, delivered: delivered(result), statusCode: result.statusCode, latencyMs: result.latencyMs, ...(result.error !== undefined ? { error: result.error } : {}) };
}
