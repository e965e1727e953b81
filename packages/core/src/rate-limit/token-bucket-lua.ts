/**
 * The token bucket as a Lua function, for `TokenBucket`'s own script and for scripts that take a
 * token in the same atomic step as their work (the payment create script: one round trip per
 * POST instead of two).
 *
 * take_tokens(key, ratePerSec, burst, cost[, maxDebt]) → {1, 0} taken | {1, waitMs} reserved | {0, retryAfterMs}
 *
 * With `maxDebt` (tokens, default 0) a caller that finds too few tokens may reserve the next ones:
 * the bucket goes negative by `cost` (down to `-maxDebt`) and the answer says when the reserved
 * tokens will have been refilled. Callers then wait that long and go without taking again; later
 * callers queue behind them instead of all retrying as soon as one token is back.
 *
 * The bucket is a hash {tokens, ts (µs)}. Time comes from Redis `TIME`, so every intake replica
 * (and every payer) shares one clock and skew between hosts cannot mint tokens. Redis ≥ 5
 * replicates the script's effects, so calling TIME before writing is allowed. A missing bucket is
 * a full one; the key expires once it would have refilled anyway, so idle ids cost no memory.
 */
export const takeTokensLuaFunction = `
local function take_tokens(key, rate, burst, cost, maxDebt)
  maxDebt = maxDebt or 0
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local h = redis.call('HMGET', key, 'tokens', 'ts')
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
  local ms = 0
  if tokens >= cost then
    tokens = tokens - cost
    allowed = 1
  elseif tokens - cost >= -maxDebt then
    ms = math.ceil((cost - tokens) * 1000 / rate)
    tokens = tokens - cost
    allowed = 1
  else
    ms = math.ceil((cost - maxDebt - tokens) * 1000 / rate)
  end
  -- %.0f: tostring() would print a µs timestamp in exponent form and lose its last digits.
  redis.call('HSET', key, 'tokens', string.format('%.6f', tokens), 'ts', string.format('%.0f', now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) * 1000 / rate) + 1000)
  return {allowed, ms}
end
`;

export interface TakeOptions {
  /** Sustained rate: tokens added per second (may be fractional, e.g. 0.5). */
  ratePerSec: number;
  /** Bucket size: how many tokens may be taken at once after a quiet period. */
  burst: number;
  /** Tokens this call needs; default 1. Must not exceed `burst`. */
  cost?: number;
}

/** The script arguments of a take (rate, burst, cost); throws `RangeError` on settings no bucket can honour. */
export function takeArgs(options: TakeOptions): [string, string, string] {
  const cost = options.cost ?? 1;
  if (!(options.ratePerSec > 0) || !Number.isFinite(options.ratePerSec)) {
    throw new RangeError(`ratePerSec must be a positive number, got ${options.ratePerSec}`);
  }
  if (!(options.burst > 0) || !(cost > 0) || cost > options.burst) {
    throw new RangeError(`cost (${cost}) must be positive and at most burst (${options.burst})`);
  }
  return [String(options.ratePerSec), String(options.burst), String(cost)];
}
