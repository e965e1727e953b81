import type { Redis } from "ioredis";
import { redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode } from "../redis/script-error-code.js";
import { type CreateSubscription, Subscription, type UpdateSubscription } from "./subscription.js";
import { generateSubscriptionId, generateWebhookSecret } from "./webhook-secret.js";

export interface SubscriptionStoreOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  clock?: () => Date;
}

/** Field changes applied by {@link SubscriptionStore.update}; `disabledReason: null` clears it. */
export type SubscriptionChange = Omit<UpdateSubscription, "description"> & {
  description?: string;
  disabledReason?: string | null;
};

type RedisWithScripts = Redis & {
  opWhkUpdateSubscription(...args: string[]): Promise<number>;
  opWhkRotateSecret(...args: string[]): Promise<number>;
};

/** A subscription's secrets: the current one, and the one a rotation replaced while it still signs. */
export interface SigningSecrets {
  current: string;
  previous?: { secret: string; expiresAt: string };
}

/** The secrets that sign a delivery made at `now`, the current one first. */
export function signingSecretsAt(secrets: SigningSecrets | undefined, now: Date): string[] {
  if (!secrets) return [];
  const previous = secrets.previous;
  return previous && Date.parse(previous.expiresAt) > now.getTime() ? [secrets.current, previous.secret] : [secrets.current];
}

/**
 * KEYS: subscriptions, version. ARGV: id, expected json, next json.
 * Compare-and-set, so two concurrent PATCHes (or a PATCH racing an automatic 410 disable) never
 * lose each other's fields. → 1 written | Conflict (changed under us) | NotFound
 */
const updateLua = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return ${ScriptErrorCode.NotFound} end
if cur ~= ARGV[2] then return ${ScriptErrorCode.Conflict} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('INCR', KEYS[2])
return 1
`;

/**
 * KEYS: subscriptions, secrets, previous secrets, version. ARGV: id, new secret, expiresAt ('' for none).
 * Replaces the secret; the old one keeps signing until expiresAt (with '' it stops at once).
 * → 1 rotated | NotFound
 */
const rotateSecretLua = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return ${ScriptErrorCode.NotFound} end
local old = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] ~= '' and old then
  redis.call('HSET', KEYS[3], ARGV[1], cjson.encode({secret = old, expiresAt = ARGV[3]}))
else
  redis.call('HDEL', KEYS[3], ARGV[1])
end
redis.call('INCR', KEYS[4])
return 1
`;

/** Webhook subscriptions in Redis. Every change bumps a version counter that caches watch. */
export class SubscriptionStore {
  private readonly redis: RedisWithScripts;
  private readonly keys: ReturnType<typeof redisKeys>["webhooks"];
  private readonly clock: () => Date;

  constructor(options: SubscriptionStoreOptions) {
    this.redis = options.redis as RedisWithScripts;
    this.keys = redisKeys(options.keyPrefix ?? "op").webhooks;
    this.clock = options.clock ?? (() => new Date());
    if (typeof this.redis.opWhkUpdateSubscription !== "function") {
      this.redis.defineCommand("opWhkUpdateSubscription", { numberOfKeys: 2, lua: updateLua });
      this.redis.defineCommand("opWhkRotateSecret", { numberOfKeys: 4, lua: rotateSecretLua });
    }
  }

  /** Creates an enabled subscription; the secret is returned here and never again by this API. */
  async create(input: CreateSubscription): Promise<{ subscription: Subscription; secret: string }> {
    const now = this.clock().toISOString();
    const subscription: Subscription = {
      id: generateSubscriptionId(),
      url: input.url,
      events: [...new Set(input.events)],
      storeIds: input.storeIds ? [...new Set(input.storeIds)] : null,
      enabled: true,
      ...(input.description !== undefined ? { description: input.description } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const secret = generateWebhookSecret();
    await this.redis
      .multi()
      .hset(this.keys.subscriptions, subscription.id, JSON.stringify(subscription))
      .hset(this.keys.secrets, subscription.id, secret)
      .incr(this.keys.version)
      .exec();
    return { subscription, secret };
  }

  async get(id: string): Promise<Subscription | undefined> {
    const json = await this.redis.hget(this.keys.subscriptions, id);
    return json ? Subscription.parse(JSON.parse(json)) : undefined;
  }

  /** Every subscription, oldest first. */
  async list(): Promise<Subscription[]> {
    const all = await this.redis.hgetall(this.keys.subscriptions);
    return Object.values(all)
      .map((json) => Subscription.parse(JSON.parse(json)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Applies `change`; undefined when the subscription does not exist. */
  async update(id: string, change: SubscriptionChange): Promise<Subscription | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const json = await this.redis.hget(this.keys.subscriptions, id);
      if (!json) return undefined;
      const current = Subscription.parse(JSON.parse(json));
      const next: Subscription = { ...current, updatedAt: this.clock().toISOString() };
      if (change.url !== undefined) next.url = change.url;
      if (change.events !== undefined) next.events = [...new Set(change.events)];
      if (change.storeIds !== undefined) next.storeIds = change.storeIds === null ? null : [...new Set(change.storeIds)];
      if (change.description !== undefined) next.description = change.description;
      if (change.enabled !== undefined) {
        next.enabled = change.enabled;
        // Re-enabling by hand clears the automatic reason.
        if (change.enabled) delete next.disabledReason;
      }
      if (change.disabledReason === null) delete next.disabledReason;
      else if (change.disabledReason !== undefined) next.disabledReason = change.disabledReason;
      const result = await this.redis.opWhkUpdateSubscription(
        this.keys.subscriptions,
        this.keys.version,
        id,
        json,
        JSON.stringify(next),
      );
      if (result === 1) return next;
      if (result === ScriptErrorCode.NotFound) return undefined;
    }
    throw new Error(`subscription ${id}: too many concurrent updates`);
  }

  /**
   * Gives the subscription a new secret, returned here and never again. The replaced one keeps
   * signing next to it until `previousExpiresAt` (null: it stops at once), so that a subscriber can
   * move to the new one without refusing a delivery. Undefined when the subscription does not exist.
   */
  async rotateSecret(id: string, previousExpiresAt: Date | null): Promise<{ secret: string } | undefined> {
    const secret = generateWebhookSecret();
    const k = this.keys;
    const result = await this.redis.opWhkRotateSecret(k.subscriptions, k.secrets, k.previousSecrets, k.version, id, secret, previousExpiresAt?.toISOString() ?? "");
    return result === 1 ? { secret } : undefined;
  }

  /** Deletes the subscription, its secrets, its delivery log and its dead letters. */
  async delete(id: string): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .hdel(this.keys.subscriptions, id)
      .hdel(this.keys.secrets, id)
      .hdel(this.keys.previousSecrets, id)
      .del(this.keys.deliveryLog(id), this.keys.deadLetters(id))
      .incr(this.keys.version)
      .exec();
    return replies?.[0]?.[1] === 1;
  }

  /** Every subscription's secrets, by id (for caches; never returned by the API). */
  async secrets(): Promise<Map<string, SigningSecrets>> {
    // One snapshot of both hashes: a rotation between two reads would pair secrets of different times.
    const replies = await this.redis.multi().hgetall(this.keys.secrets).hgetall(this.keys.previousSecrets).exec();
    const [current, previous] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as Record<string, string>;
    }) as [Record<string, string>, Record<string, string>];
    const secrets = new Map<string, SigningSecrets>();
    for (const [id, secret] of Object.entries(current)) {
      const replaced = previous[id];
      secrets.set(id, replaced === undefined ? { current: secret } : { current: secret, previous: JSON.parse(replaced) as { secret: string; expiresAt: string } });
    }
    return secrets;
  }

  /** The change counter (0 before the first subscription). */
  async version(): Promise<string> {
    return (await this.redis.get(this.keys.version)) ?? "0";
  }
}
