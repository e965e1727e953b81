import type { Redis } from "ioredis";
import { eventIdOf } from "../payments/payment-event.js";
import { addEventLuaFunction, defaultEventRetentionMs, eventMinId } from "./add-event-lua.js";
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
 * Appended through core's one `add_event` (never trimmed past the ledger's committed position);
 * payment and refund events keep their own Lua steps.
 */
const appendLua = `${addEventLuaFunction}
return add_event(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], '', ARGV[4])
`;

type RedisWithOutbox = Redis & { opAppendOutboxEvent(events: string, archivedBelow: string, ...args: string[]): Promise<string> };

export class EventOutbox {
  private readonly redis: RedisWithOutbox;
  private readonly key: string;
  private readonly archivedBelow: string;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: EventOutboxOptions) {
    this.redis = options.redis as RedisWithOutbox;
    const keys = redisKeys(options.keyPrefix ?? "op");
    this.key = keys.events;
    this.archivedBelow = keys.archivedBelow;
    if (typeof this.redis.opAppendOutboxEvent !== "function") {
      this.redis.defineCommand("opAppendOutboxEvent", { numberOfKeys: 2, lua: appendLua });
    }
    this.retentionMs = options.retentionMs ?? defaultEventRetentionMs;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Appends the event; answers its id (`evt_…`). */
  async append(type: OutboxEventType, data: unknown): Promise<string> {
    const now = this.clock();
    const streamId = await this.redis.opAppendOutboxEvent(this.key, this.archivedBelow, eventMinId(now, this.retentionMs), type, now.toISOString(), JSON.stringify(data));
    return eventIdOf(streamId);
  }
}
