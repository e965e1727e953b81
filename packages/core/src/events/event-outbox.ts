import type { Redis } from "ioredis";
import { eventIdOf } from "../payments/payment-event.js";
import { redisKeys } from "../redis/redis-keys.js";

/** Events about no single payment or refund: the daily reconciliation's. */
export const outboxEventTypes = ["reconciliation.completed"] as const;
export type OutboxEventType = (typeof outboxEventTypes)[number];

export interface EventOutboxOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** `EVENT_RETENTION_MS`: entries older than this are trimmed on write, as the payment store does. Default 7 days. */
  retentionMs?: number;
  clock?: () => Date;
}

/**
 * Appends an event that belongs to no payment or refund to the one event stream, in the shape
 * every reader takes (fields `type`, `at`, `data`; id `evt_<stream id>`): the notifier's
 * webhooks and live stream and the ledger's archive see it like any other. No `storeId` field:
 * it is no store's, so only operators and subscriptions without `storeIds` get it.
 * One XADD, atomic by itself; payment and refund events keep their own Lua steps.
 */
export class EventOutbox {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: EventOutboxOptions) {
    this.redis = options.redis;
    this.key = redisKeys(options.keyPrefix ?? "op").events;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Appends the event; answers its id (`evt_…`). */
  async append(type: OutboxEventType, data: unknown): Promise<string> {
    const now = this.clock();
    const minId = String(Math.max(0, now.getTime() - this.retentionMs));
    const streamId = await this.redis.xadd(this.key, "MINID", "~", minId, "*", "type", type, "at", now.toISOString(), "data", JSON.stringify(data));
    return eventIdOf(streamId as string);
  }
}
