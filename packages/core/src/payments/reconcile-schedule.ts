import type { Redis } from "ioredis";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { type PaymentRef, parseRefMember, refMember } from "./payment-ref.js";

/**
 * Default check intervals after a payment becomes `pending` / `awaiting_customer`: 2 s, 5 s, 15 s,
 * 30 s, 1 min, then every 5 min (the last one repeats).
 */
export const defaultReconcileIntervalsMs: readonly number[] = [2_000, 5_000, 15_000, 30_000, 60_000, 300_000];

/**
 * KEYS: schedule (zset member → due ms), checks (hash member → checks claimed so far)
 * ARGV: now, limit, interval1 … intervalN
 * → {member1, checks1, member2, checks2, …}
 *
 * Claims every due member (up to `limit`) and pushes its next due time in the same step, so that
 * several payer processes share the schedule and no member is checked twice at once. A process
 * that dies after claiming loses nothing: the member comes back at its next due time.
 */
const claimLua = `
local now = tonumber(ARGV[1])
local n = #ARGV - 2
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, member in ipairs(due) do
  local checks = redis.call('HINCRBY', KEYS[2], member, 1)
  local i = checks + 1
  if i > n then i = n end
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2 + i]), member)
  out[#out + 1] = member
  out[#out + 1] = checks
end
return out
`;

/**
 * KEYS: schedule, checks; ARGV: due, member
 * Schedules a member no later than `due` (an earlier due time already there is kept).
 */
const scheduleLua = `
redis.call('ZADD', KEYS[1], 'LT', ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[2], ARGV[2], 0)
return 1
`;

/**
 * KEYS: schedule; ARGV: due, member
 * Brings a member's next check forward to `due`, only if it is still scheduled.
 */
const hastenLua = `
return redis.call('ZADD', KEYS[1], 'XX', 'LT', ARGV[1], ARGV[2])
`;

/**
 * KEYS: schedule, checks; ARGV: due, member1 … memberN
 * Takes back the claims of checks that got no answer: each member still scheduled gets back the
 * step its claim counted (checks − 1, never below 0) and is due no later than `due`. A member
 * removed meanwhile (settled) is not scheduled again.
 */
const retryLua = `
local due = ARGV[1]
for i = 2, #ARGV do
  local member = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], member) then
    redis.call('ZADD', KEYS[1], 'LT', due, member)
    if tonumber(redis.call('HGET', KEYS[2], member) or '0') > 0 then redis.call('HINCRBY', KEYS[2], member, -1) end
  end
end
return 1
`;

/**
 * KEYS: schedule, checks; ARGV: member
 * A script rather than `multi()`: on a connection that carries BullMQ's scripts, every pipeline
 * object copies them all, which costs more CPU than the two commands.
 */
const removeLua = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

/** How a schedule names what it holds: the member codec and the two keys. */
export interface ScheduleMembers<R> {
  /** Sorted set: member → due time (ms). */
  scheduleKey: string;
  /** Hash: member → checks claimed so far. */
  checksKey: string;
  member: (ref: R) => string;
  /** Undefined for what `member` never writes. */
  parse: (member: string) => R | undefined;
}

export interface ReconcileScheduleOptions<R = PaymentRef> {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Delay before each check; the last one repeats. Default {@link defaultReconcileIntervalsMs}. */
  intervalsMs?: readonly number[];
  /** What is scheduled; default payments (`reconcile`, `reconcileChecks`, `account:orderNumber`). */
  members?: ScheduleMembers<R>;
}

/** One claimed member: which payment (or refund), and how many checks it has had (this one included). */
export interface ReconcileClaim<R = PaymentRef> {
  ref: R;
  checks: number;
}

type RedisWithSchedule = Redis & {
  opReconcileClaim(...args: string[]): Promise<Array<string | number>>;
  opReconcileSchedule(...args: string[]): Promise<number>;
  opReconcileRemove(...args: string[]): Promise<number>;
  opReconcileRetry(...args: string[]): Promise<number>;
  opReconcileHasten(...args: string[]): Promise<number>;
};

/**
 * Due-time schedule of payments whose outcome only a query (or a notice) can settle. Members are
 * `account:orderNumber`; keys share the `{prefix}` hash tag of every other key of the project.
 * Refunds have a schedule of their own with the same mechanism (`refundSchedule`, other keys and
 * members): whoever asks for a refund's query (a notice that is only a hint) and the payer that
 * runs it share it.
 * Only a check the gateway answered moves a payment along the intervals: the reconciler gives
 * back ({@link ReconcileSchedule.retryAt}) the claims of queries that failed.
 */
export class ReconcileSchedule<R = PaymentRef> {
  private readonly redis: RedisWithSchedule;
  private readonly key: string;
  private readonly checksKey: string;
  private readonly member: (ref: R) => string;
  private readonly parse: (member: string) => R | undefined;
  readonly intervalsMs: readonly number[];

  constructor(options: ReconcileScheduleOptions<R>) {
    this.redis = options.redis as RedisWithSchedule;
    const keys = redisKeys(options.keyPrefix ?? "op");
    const members = options.members ?? (paymentMembers(keys) as unknown as ScheduleMembers<R>);
    this.key = members.scheduleKey;
    this.checksKey = members.checksKey;
    this.member = members.member;
    this.parse = members.parse;
    this.intervalsMs = options.intervalsMs ?? defaultReconcileIntervalsMs;
    if (this.intervalsMs.length === 0 || this.intervalsMs.some((ms) => !Number.isInteger(ms) || ms < 0)) {
      throw new RangeError("intervalsMs must be a non-empty list of whole milliseconds ≥ 0");
    }
    if (typeof this.redis.opReconcileClaim !== "function") {
      this.redis.defineCommand("opReconcileClaim", { numberOfKeys: 2, lua: claimLua });
      this.redis.defineCommand("opReconcileSchedule", { numberOfKeys: 2, lua: scheduleLua });
    }
    if (typeof this.redis.opReconcileRemove !== "function") {
      this.redis.defineCommand("opReconcileRemove", { numberOfKeys: 2, lua: removeLua });
    }
    if (typeof this.redis.opReconcileRetry !== "function") {
      this.redis.defineCommand("opReconcileRetry", { numberOfKeys: 2, lua: retryLua });
      this.redis.defineCommand("opReconcileHasten", { numberOfKeys: 1, lua: hastenLua });
    }
  }

  /** First check after the first interval (or earlier if the payment is already due sooner). */
  async schedule(ref: R, now: number): Promise<void> {
    await this.scheduleAt(ref, now + (this.intervalsMs[0] as number));
  }

  /** Check no later than `dueAt` (epoch ms). */
  async scheduleAt(ref: R, dueAt: number): Promise<void> {
    await this.redis.opReconcileSchedule(this.key, this.checksKey, String(Math.round(dueAt)), this.member(ref));
  }

  /** Claims up to `limit` due payments and pushes each one's next check. */
  async claimDue(now: number, limit: number): Promise<ReconcileClaim<R>[]> {
    const reply = await this.redis.opReconcileClaim(
      this.key,
      this.checksKey,
      String(Math.round(now)),
      String(limit),
      ...this.intervalsMs.map(String),
    );
    const claims: ReconcileClaim<R>[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const ref = this.parse(String(reply[i]));
      if (ref) claims.push({ ref, checks: Number(reply[i + 1]) });
    }
    return claims;
  }

  /**
   * Check a payment that is still scheduled no later than `dueAt`. Unlike {@link scheduleAt}, a
   * payment taken out of the schedule meanwhile (settled, or set aside for a person) stays out.
   */
  async hasten(ref: R, dueAt: number): Promise<void> {
    await this.redis.opReconcileHasten(this.key, String(Math.round(dueAt)), this.member(ref));
  }

  /**
   * The claimed checks of these payments got no answer (the gateway failed or timed out, or the
   * terminal's rate limit held the query back): they do not count, so the schedule's step is not
   * advanced by them, and the next check is due no later than `dueAt` instead of the next step's
   * interval. A payment settled meanwhile (removed) stays removed.
   */
  async retryAt(refs: readonly R[], dueAt: number): Promise<void> {
    if (refs.length === 0) return;
    await this.redis.opReconcileRetry(this.key, this.checksKey, String(Math.round(dueAt)), ...refs.map(this.member));
  }

  /** Stops checking a payment (it reached a final answer). */
  async remove(ref: R): Promise<void> {
    await this.redis.opReconcileRemove(this.key, this.checksKey, this.member(ref));
  }

  /** Due time of a payment, or undefined when it is not scheduled. */
  async dueAt(ref: R): Promise<number | undefined> {
    const score = await this.redis.zscore(this.key, this.member(ref));
    return score === null ? undefined : Number(score);
  }
}

/** The payments' schedule: `account:orderNumber` members. */
function paymentMembers(keys: RedisKeys): ScheduleMembers<PaymentRef> {
  return { scheduleKey: keys.reconcile, checksKey: keys.reconcileChecks, member: refMember, parse: parseRefMember };
}
