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
    /**
     * The audit log: one entry per operator action (`audit/audit-entry.ts`). Never trimmed by its
     * writers; the ledger trims what it has archived.
     */
    audit: `${p}:audit`,
    /** Sorted set of payments in `accepted` by creation time, for the recovery sweep. */
    acceptedIndex: `${p}:idx:accepted`,
    /** The event stream (outbox): one entry per payment transition. */
    events: `${p}:events`,
    /**
     * The ledger's committed position on the event stream (a stream id): every entry below it is
     * in PostgreSQL. Written by the ledger only; the scripts that append events never trim the
     * stream past it (`events/add-event-lua.ts`), and the retention sweep removes only payments
     * whose last event is below it.
     */
    archivedBelow: `${p}:ledger:archived-below`,
    /**
     * Sorted set: `account:orderNumber` → when (ms) a final payment last changed (its final
     * transition, or the last change of any of its refunds). The ledger's retention sweep reads
     * it oldest first (`PAYMENT_RETENTION_DAYS`).
     */
    finalIndex: `${p}:idx:final`,
    /**
     * Where the retention sweep's one-off backfill of the final-payments index has got to: the
     * next SCAN cursor, or `done` (`PaymentRetention.enrollMissing`).
     */
    retentionBackfill: `${p}:ledger:retention-backfill`,
    /** The ledger holding the retention sweep (a string with a time-out: one ledger sweeps at a time). */
    retentionSweepLock: `${p}:ledger:retention-lock`,
    /**
     * Stream of created payments (`ref`: `account:orderNumber`), written by the create script:
     * the payer's first sends, read through the `payer` consumer group. Retries are BullMQ jobs.
     */
    submits: `${p}:submits`,
    /** Pub/sub channel announcing a payment's new version (wakes `Prefer: wait`). */
    paymentChannel: (account: string, orderNumber: string) => `${p}:chan:pay:${account}:${orderNumber}`,
    /** Token bucket of a rate limiter. */
    rateBucket: (scope: string, id: string) => `${p}:rate:${scope}:${id}`,
    /** Sorted set: `account:orderNumber` → when the payer next queries it (reconciliation). */
    reconcile: `${p}:reconcile`,
    /** Hash: `account:orderNumber` → how many reconciliation checks it had. */
    reconcileChecks: `${p}:reconcile:checks`,
    /**
     * Sorted set: `account:orderNumber` → when (ms) the gateway showed a success for it while it
     * was `failed` or `voided`: in `needs_review` until an operator settles it.
     */
    contradictions: `${p}:idx:contradictions`,
    /**
     * Hash holding one refund: `json` (the resource), `status`, `version`, `storeId`,
     * `requestHash`, `amount` (minor units of the currency), `feedId`, `sends`, `review`
     * (`refunds/refund-scripts.ts`). A refund number is unique per payment.
     */
    refund: (account: string, orderNumber: string, refundNumber: string) => `${p}:rfd:${account}:${orderNumber}:${refundNumber}`,
    /** Sorted set of a payment's refund numbers, scored by creation order (1, 2, …). */
    paymentRefunds: (account: string, orderNumber: string) => `${p}:rfds:${account}:${orderNumber}`,
    /**
     * Stream of created refunds (`ref`: `account:orderNumber:refundNumber`), written by the refund
     * create script: the payer's first applyRefund, read through the `payer` consumer group.
     */
    refundFeed: `${p}:refund-feed`,
    /** Sorted set of refunds in `accepted` by creation time (ms), for a recovery sweep. */
    acceptedRefunds: `${p}:idx:refunds-accepted`,
    /** Sorted set: refund member → when the payer next queries it (the refunds' own, slower schedule). */
    refundReconcile: `${p}:refund-reconcile`,
    /** Hash: refund member → how many reconciliation checks it had. */
    refundReconcileChecks: `${p}:refund-reconcile:checks`,
    /** Sorted set: refund member → when (ms) the gateway showed a success for it while it was `failed`. */
    refundContradictions: `${p}:idx:refund-contradictions`,
    /** String with a TTL: a live-stream token's caller (`operator` or `store:<id>`), keyed by the token's SHA-256 (hex). */
    streamToken: (digest: string) => `${p}:sse-token:${digest}`,
    webhooks: {
      /** Hash: subscription id → subscription JSON (without the secret). */
      subscriptions: `${p}:whk:subs`,
      /** Hash: subscription id → signing secret. Never listed with the subscription. */
      secrets: `${p}:whk:secrets`,
      /** Hash: subscription id → `{"secret","expiresAt"}`, the secret a rotation replaced, still signing until then. */
      previousSecrets: `${p}:whk:secrets:previous`,
      /** Counter bumped on every subscription change; caches reload when it moves. */
      version: `${p}:whk:subs:version`,
      /** Capped list (newest first) of delivery attempts of one subscription. */
      deliveryLog: (subscriptionId: string) => `${p}:whk:log:${subscriptionId}`,
      /** Hash: event id → dead-letter JSON, deliveries that exhausted their attempts. */
      deadLetters: (subscriptionId: string) => `${p}:whk:dead:${subscriptionId}`,
    },
  } as const;
}

export type RedisKeys = ReturnType<typeof redisKeys>;
