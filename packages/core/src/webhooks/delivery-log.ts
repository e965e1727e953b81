import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../redis/redis-keys.js";

/** One delivery attempt, as shown by `GET /v1/subscriptions/{id}/deliveries`. */
export const DeliveryAttempt = z.object({
  eventId: z.string(),
  type: z.string(),
  attempt: z.number().int(),
  /** `delivered`, `retrying`, `dead_lettered`, `gone` (410: subscription disabled), `skipped`. */
  outcome: z.enum(["delivered", "retrying", "dead_lettered", "gone", "skipped"]),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
  /** When the next attempt is due, for `retrying`. */
  nextTryAt: z.string().nullable(),
  deadLettered: z.boolean(),
  at: z.string(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** A delivery that used every attempt (or was refused with 410): kept, listed, replayable. */
export const DeadLetter = z.object({
  eventId: z.string(),
  type: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  at: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export interface DeliveryLogOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Attempts kept per subscription (newest first); default 1 000. */
  maxEntries?: number;
  /** Dead letters kept per subscription; default 10 000. */
  maxDeadLetters?: number;
}

type RedisWithScripts = Redis & {
  opWhkRecordDelivery(...args: Array<string | number>): Promise<number>;
};

/**
 * KEYS: delivery log[, dead letters]. ARGV: attempt json, max entries[, letter json, max letters].
 * One command per delivery instead of a MULTI: `multi()` builds an ioredis Pipeline, whose
 * constructor copies every script defined on the connection (BullMQ's ~40 on the notifier's).
 */
const recordLua = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if KEYS[2] then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
end
return 1
`;

/** The per-subscription delivery log and dead letters: capped Redis lists, newest first. */
export class DeliveryLog {
  private readonly redis: RedisWithScripts;
  private readonly keys: ReturnType<typeof redisKeys>["webhooks"];
  private readonly maxEntries: number;
  private readonly maxDeadLetters: number;

  constructor(options: DeliveryLogOptions) {
    this.redis = options.redis as RedisWithScripts;
    if (typeof this.redis.opWhkRecordDelivery !== "function") {
      // Key count varies (with or without a dead letter), so it is passed on each call.
      this.redis.defineCommand("opWhkRecordDelivery", { lua: recordLua });
    }
    this.keys = redisKeys(options.keyPrefix ?? "op").webhooks;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.maxDeadLetters = options.maxDeadLetters ?? 10_000;
  }

  async record(subscriptionId: string, attempt: DeliveryAttempt, deadLetter?: DeadLetter): Promise<void> {
    const key = this.keys.deliveryLog(subscriptionId);
    if (!deadLetter) {
      await this.redis.opWhkRecordDelivery(1, key, JSON.stringify(attempt), this.maxEntries);
      return;
    }
    const dead = this.keys.deadLetters(subscriptionId);
    await this.redis.opWhkRecordDelivery(2, key, dead, JSON.stringify(attempt), this.maxEntries, JSON.stringify(deadLetter), this.maxDeadLetters);
  }

  /** The newest `limit` attempts; with `eventId`, that event's newest `limit`. */
  async attempts(subscriptionId: string, limit = 100, eventId?: string): Promise<DeliveryAttempt[]> {
    return this.newest(this.keys.deliveryLog(subscriptionId), DeliveryAttempt, limit, this.maxEntries, eventId);
  }

  /** The newest `limit` dead letters; with `eventId`, that event's. */
  async deadLetters(subscriptionId: string, limit = 1_000, eventId?: string): Promise<DeadLetter[]> {
    return this.newest(this.keys.deadLetters(subscriptionId), DeadLetter, limit, this.maxDeadLetters, eventId);
  }

  /** The newest `limit` entries of a capped list; for one event, the whole list (at most `kept` entries) is searched. */
  private async newest<T extends { eventId: string }>(key: string, schema: z.ZodType<T>, limit: number, kept: number, eventId?: string): Promise<T[]> {
    const items = await this.redis.lrange(key, 0, Math.max(0, (eventId === undefined ? limit : kept) - 1));
    const entries = items.map((json) => schema.parse(JSON.parse(json)));
    return eventId === undefined ? entries : entries.filter((e) => e.eventId === eventId).slice(0, limit);
  }

  /** Removes these dead letters (after they were re-enqueued). */
  async removeDeadLetters(subscriptionId: string, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const key = this.keys.deadLetters(subscriptionId);
    const tx = this.redis.multi();
    for (const letter of letters) tx.lrem(key, 1, JSON.stringify(letter));
    await tx.exec();
  }
}
