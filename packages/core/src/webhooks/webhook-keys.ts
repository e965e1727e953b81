/**
 * Redis keys of subscriptions and deliveries. Same hash tag as `redisKeys` (`{prefix}`) so that
 * they live in the same Cluster slot as the event stream and the queues.
 * (Candidate for folding into `redis/redis-keys.ts`.)
 */
export function webhookKeys(prefix: string) {
  const p = `{${prefix}}`;
  return {
    /** Hash: subscription id → subscription JSON (without the secret). */
    subscriptions: `${p}:whk:subs`,
    /** Hash: subscription id → signing secret. Never listed with the subscription. */
    secrets: `${p}:whk:secrets`,
    /** Counter bumped on every subscription change; caches reload when it moves. */
    version: `${p}:whk:subs:version`,
    /** Capped list (newest first) of delivery attempts of one subscription. */
    deliveryLog: (subscriptionId: string) => `${p}:whk:log:${subscriptionId}`,
    /** Hash: event id → dead-letter JSON, deliveries that exhausted their attempts. */
    deadLetters: (subscriptionId: string) => `${p}:whk:dead:${subscriptionId}`,
  } as const;
}

export type WebhookKeys = ReturnType<typeof webhookKeys>;
