import type { Redis } from "ioredis";
import { addEventLuaFunction, defaultEventRetentionMs, eventMinId } from "../events/add-event-lua.js";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode as E } from "../redis/script-error-code.js";
import type { Payment } from "./payment.js";
import { eventIdOf } from "./payment-event.js";
import type { PaymentRef } from "./payment-ref.js";
import { type RiskNotice, type RiskNoticeData, riskNoticeEventType } from "./risk-notice.js";

/**
 * KEYS: payment, events, archivedBelow
 * ARGV: expectedVersion, storeId, seenField, data, at, minId, eventType
 * → {1, eventStreamId} recorded | {2} this notice was recorded before | {NotFound} | {Conflict, version}
 *
 * The event goes to the same stream (outbox) as every payment and refund event, in one step with
 * the mark that makes Oceanpayment's repeated deliveries of the notice harmless (a field of the
 * payment's hash, gone with the payment). The payment's status and version are not touched; the
 * version check only makes sure the event carries the payment as it stands.
 */
export const recordRiskNoticeLua = `${addEventLuaFunction}
local cur = redis.call('HMGET', KEYS[1], 'version', 'storeId')
if not cur[1] or cur[2] ~= ARGV[2] then return {${E.NotFound}} end
if cur[1] ~= ARGV[1] then return {${E.Conflict}, cur[1]} end
if redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[5]) == 0 then return {2} end
local id = add_event(KEYS[2], KEYS[3], ARGV[6], ARGV[7], ARGV[5], ARGV[2], ARGV[4])
return {1, id}
`;

export interface RiskNoticesOptions {
  redis: Redis;
  /** Reads the payment as the API shows it (`PaymentStore.get`). */
  read: (ref: PaymentRef) => Promise<Payment | undefined>;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Events older than this are trimmed from the stream; default 7 days (as `PaymentStore`'s). */
  eventRetentionMs?: number;
  clock?: () => Date;
}

export type RiskNoticeResult = { outcome: "recorded"; eventId: string } | { outcome: "duplicate" } | { outcome: "not_found" };

type RedisWithRiskScript = Redis & { opRecordRiskNotice(...args: string[]): Promise<[number, string?]> };

/** Tries before giving up when the payment keeps changing between the read and the write. */
const maxTries = 5;

/**
 * Records business notices that change no status (`payment.risk_notice`) as events of their
 * payment, once per (type, id, status).
 */
export class RiskNotices {
  private readonly redis: RedisWithRiskScript;
  private readonly keys: RedisKeys;
  private readonly read: (ref: PaymentRef) => Promise<Payment | undefined>;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: RiskNoticesOptions) {
    this.redis = options.redis as RedisWithRiskScript;
    this.keys = redisKeys(options.keyPrefix ?? "op");
    this.read = options.read;
    this.retentionMs = options.eventRetentionMs ?? defaultEventRetentionMs;
    this.clock = options.clock ?? (() => new Date());
    if (typeof this.redis.opRecordRiskNotice !== "function") {
      this.redis.defineCommand("opRecordRiskNotice", { numberOfKeys: 3, lua: recordRiskNoticeLua });
    }
  }

  /** Records `notice` about the payment, `current` being the payment as the caller read it. */
  async record(ref: PaymentRef, notice: RiskNotice, current: Payment): Promise<RiskNoticeResult> {
    let payment: Payment | undefined = current;
    for (let tries = 1; payment !== undefined; tries++) {
      const at = this.clock();
      const data: RiskNoticeData = { orderNumber: payment.orderNumber, storeId: payment.storeId, payment, notice };
      const [code, value] = await this.redis.opRecordRiskNotice(
        this.keys.payment(ref.account, ref.orderNumber),
        this.keys.events,
        this.keys.archivedBelow,
        String(payment.version),
        payment.storeId,
        `risk:${notice.type}:${notice.id}:${notice.status}`,
        JSON.stringify(data),
        at.toISOString(),
        eventMinId(at, this.retentionMs),
        riskNoticeEventType,
      );
      if (code === 1) return { outcome: "recorded", eventId: eventIdOf(String(value)) };
      if (code === 2) return { outcome: "duplicate" };
      if (code === E.NotFound) return { outcome: "not_found" };
      if (tries >= maxTries) throw new Error(`risk notice for payment ${ref.account}/${ref.orderNumber}: the payment kept changing`);
      payment = await this.read(ref);
    }
    return { outcome: "not_found" };
  }
}
