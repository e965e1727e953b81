/**
 * Every Redis key the project writes, in one place. All keys share one hash tag (`{prefix}`) so
 * that the Lua scripts that touch a payment, its idempotency record and the event stream in one
 * atomic step stay valid on Redis Cluster (one slot; scale by running more clusters per chain).
 */
export function redisKeys(prefix: string) {
  const p = `{${prefix}}`;
  return {
    /** BullMQ `prefix` option for every queue. */
    bullPrefix: `${p}:bull`,
    /** Hash holding one payment: `json` (the resource), `status`, `version`, `storeId`, `requestHash`. */
    payment: (account: string, orderNumber: string) => `${p}:pay:${account}:${orderNumber}`,
    /** Sorted set of payments in `accepted` by creation time, for the recovery sweep. */
    acceptedIndex: `${p}:idx:accepted`,
    /** The event stream (outbox): one entry per payment transition. */
    events: `${p}:events`,
    /** Pub/sub channel announcing a payment's new version (wakes `Prefer: wait`). */
    paymentChannel: (account: string, orderNumber: string) => `${p}:chan:pay:${account}:${orderNumber}`,
    /** Token bucket of a rate limiter. */
    rateBucket: (scope: string, id: string) => `${p}:rate:${scope}:${id}`,
  } as const;
}

export type RedisKeys = ReturnType<typeof redisKeys>;
