import type { Redis } from "ioredis";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";

/**
 * KEYS: bucket
 * ARGV: ratePerSec, burst, cost
 * → {allowed (1|0), retryAfterMs}
 *
 * The bucket is a hash {tokens, ts (µs)}. Time comes from Redis `TIME`, so every intake replica
 * (and every payer) shares one clock and skew between hosts cannot mint tokens. Redis ≥ 5
 * replicates the script's effects, so calling TIME before writing is allowed. A missing bucket is
 * a full one; the key expires once it would have refilled anyway, so idle ids cost no memory.
 */
const takeLua = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1])
local ts = tonumber(h[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000000)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) * 1000 / rate)
end
-- %.0f: tostring() would print a µs timestamp in exponent form and lose its last digits.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;

export interface TokenBucketOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** What is limited, part of the key: e.g. `store` (intake) or `terminal` (payer). */
  scope: string;
}

export interface TakeOptions {
  /** Sustained rate: tokens added per second (may be fractional, e.g. 0.5). */
  ratePerSec: number;
  /** Bucket size: how many tokens may be taken at once after a quiet period. */
  burst: number;
  /** Tokens this call needs; default 1. Must not exceed `burst`. */
  cost?: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When refused: how long until `cost` tokens are there (ms, ≥ 1). 0 when allowed. */
  retryAfterMs: number;
}

type RedisWithBucket = Redis & { opTakeToken(key: string, rate: string, burst: string, cost: string): Promise<[number, number]> };

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
    const cost = options.cost ?? 1;
    if (!(options.ratePerSec > 0) || !Number.isFinite(options.ratePerSec)) {
      throw new RangeError(`ratePerSec must be a positive number, got ${options.ratePerSec}`);
    }
    if (!(options.burst > 0) || !(cost > 0) || cost > options.burst) {
      throw new RangeError(`cost (${cost}) must be positive and at most burst (${options.burst})`);
    }
    const [allowed, retryAfterMs] = await this.redis.opTakeToken(
      this.keys.rateBucket(this.scope, id),
      String(options.ratePerSec),
      String(options.burst),
      String(cost),
    );
    return allowed === 1 ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }
}
