import {
  commonEnvShape,
  envBoolean,
  envConsumerGroup,
  envDurationMs,
  envHost,
  envOptionalDatabaseUrl,
  envPort,
  envPositiveInt,
  loadConfig,
  publicApiEnvShape,
  resolveCommon,
} from "@oceanpos/core/config";
import { z } from "zod";

export const NotifierConfig = z
  .object({
    ...commonEnvShape,
    ...publicApiEnvShape,
    NOTIFIER_PORT: envPort(3001),
    NOTIFIER_HOST: envHost(),
    /** Largest notice body accepted, in bytes. */
    NOTICE_BODY_LIMIT_BYTES: envPositiveInt(64 * 1024, { max: 1024 * 1024 }),
    /** Lets subscriptions point at private, loopback and link-local addresses (development and tests only). */
    ALLOW_PRIVATE_WEBHOOK_URLS: envBoolean(false),
    /** One webhook request may take this long before it counts as failed. */
    WEBHOOK_TIMEOUT_MS: envDurationMs(15_000),
    /** Multiplies the retry schedule (5 s … 10 h); tests compress it with e.g. 0.001. */
    WEBHOOK_RETRY_SCALE: z.coerce
      .number({ error: "must be a number" })
      .positive("must be greater than 0")
      .max(100, "must be at most 100")
      .default(1),
    /** BullMQ lock of a delivery in flight; a crashed notifier's deliveries come back once it expires. */
    WEBHOOK_LOCK_DURATION_MS: envDurationMs(30_000, { min: 500 }),
    /** How often the delivery workers look for stalled deliveries (locks of dead notifiers). */
    WEBHOOK_STALLED_INTERVAL_MS: envDurationMs(30_000, { min: 100 }),
    /** Deliveries in flight per subscription per process: a hanging endpoint holds at most this many. */
    WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: envPositiveInt(16, { max: 100 }),
    /**
     * How long the relay waits for a slot of a full subscription lane before queueing its
     * deliveries as jobs; at most 10 s, since a whole batch of the relay waits this long.
     */
    WEBHOOK_LANE_WAIT_MS: envDurationMs(250, { max: 10_000 }),
    /** How often the in-memory subscription cache and the per-subscription workers catch up with Redis. */
    SUBSCRIPTION_REFRESH_MS: envDurationMs(2_000),
    /** Comment line sent on idle live streams, so proxies keep them open. */
    SSE_HEARTBEAT_MS: envDurationMs(15_000),
    /** How long a stream token (`POST /v1/events/stream-tokens`) may open live streams. */
    STREAM_TOKEN_TTL_MS: envDurationMs(300_000, { min: 1_000, max: 3_600_000 }),
    /** Live stream clients that fall this many events behind are disconnected (they resume with Last-Event-ID). */
    SSE_MAX_BACKLOG: envPositiveInt(1_000, { max: 100_000 }),
    /** Consumer group of the event relay, shared by every notifier replica. */
    RELAY_GROUP: envConsumerGroup("notifier"),
    /** Pending relay entries idle this long (their consumer died) are claimed by another replica. */
    RELAY_CLAIM_IDLE_MS: envDurationMs(60_000),
    /**
     * The ledger's archive (PostgreSQL), read only for a risk notice about a payment that has left
     * Redis (it is put back, then the notice recorded). Unset: such a notice is refused as
     * `unknown_payment`. Not a readiness check.
     */
    DATABASE_URL: envOptionalDatabaseUrl(),
  })
  .transform(resolveCommon);
export type NotifierConfig = z.output<typeof NotifierConfig>;

export function loadNotifierConfig(env: Record<string, string | undefined>): Readonly<NotifierConfig> {
  return loadConfig(NotifierConfig, env);
}
