import type { Redis } from "ioredis";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { type TakeOptions, takeArgs, takeTokensLuaFunction } from "./token-bucket-lua.js";

/** KEYS: bucket; ARGV: ratePerSec, burst, cost, maxDebt → {allowed (1|0), ms}. See `takeTokensLuaFunction`. */
const takeLua = `${takeTokensLuaFunction}
return take_tokens(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
`;

/** The buckets the services keep: per store (intake API requests) and per terminal (gateway calls). */
export const rateLimitScopes = { store: "store", terminal: "terminal" } as const;

export interface TokenBucketOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** What is limited, part of the key: e.g. `store` (intake) or `terminal` (payer). */
  scope: string;
}

export interface TakeResult {
  allowed: boolean;
  /** When refused: how long until `cost` tokens are there (ms, ≥ 1). 0 when allowed. */
  retryAfterMs: number;
}

/** A reservation: go now (`waitMs` 0) or at the reserved slot; refused when the queue is longer than allowed. */
export type ReserveResult = { reserved: true; waitMs: number } | { reserved: false; retryAfterMs: number };

type RedisWithBucket = Redis & { opTakeToken(key: string, rate: string, burst: string, cost: string, maxDebt: string): Promise<[number, number]> };

/**
 * A token bucket per id, kept in Redis and updated by one atomic Lua script, so concurrent
 * callers on any number of processes never take more than the bucket holds.
 */
export class TokenBucket {
  private readonly redis: RedisWithBucket;
  private readonly keys: RedisKeys;
  private readonly scope: string;

  constructor(options: TokenBucketOptions) {
    this.redis = options.redis as RedisWithBucket;
    this.keys = redisKeys(options.keyPrefix ?? "op");
    this.scope = options.scope;
    if (typeof this.redis.opTakeToken !== "function") {
      this.redis.defineCommand("opTakeToken", { numberOfKeys: 1, lua: takeLua });
    }
  }

  /** Takes `cost` tokens from the bucket of `id` if it holds them. */
  async take(id: string, options: TakeOptions): Promise<TakeResult> {
    const [allowed, retryAfterMs] = await this.redis.opTakeToken(this.keys.rateBucket(this.scope, id), ...takeArgs(options), "0");
    return allowed === 1 ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }

  /**
   * Takes `cost` tokens now, or reserves the next ones if they will be there within `maxWaitMs`
   * (the bucket goes into debt): the caller waits `waitMs` and then goes, without taking again.
   * Callers queue in the order they reserved, instead of all retrying whenever a token is back.
   */
  async reserve(id: string, options: TakeOptions & { maxWaitMs: number }): Promise<ReserveResult> {
    const maxDebt = (options.maxWaitMs * options.ratePerSec) / 1000;
    const [allowed, ms] = await this.redis.opTakeToken(this.keys.rateBucket(this.scope, id), ...takeArgs(options), String(maxDebt));
    return allowed === 1 ? { reserved: true, waitMs: ms } : { reserved: false, retryAfterMs: Math.max(1, ms) };
  }
}
