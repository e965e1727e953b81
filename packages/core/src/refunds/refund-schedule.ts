import type { Redis } from "ioredis";
import { ReconcileSchedule } from "../payments/reconcile-schedule.js";
import { redisKeys } from "../redis/redis-keys.js";
import { type RefundRef, parseRefundMember, refundMember } from "./refund-ref.js";

/**
 * Default delays between queries of a refund Oceanpayment holds (`pending`): 1 min, 5 min,
 * 15 min, 30 min, 1 h, 2 h, then every 4 h (the last repeats). Oceanpayment retries a refund
 * short of balance at 08:00, 12:00, 17:00 and 22:00 for up to 30 days, and its notice usually
 * settles a refund sooner: asking every two seconds for a month would only load the gateway.
 */
export const defaultRefundReconcileIntervalsMs: readonly number[] = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000];

export interface RefundScheduleOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Default {@link defaultRefundReconcileIntervalsMs}. */
  intervalsMs?: readonly number[];
}

/**
 * The refunds' reconciliation schedule: the payments' mechanism (`ReconcileSchedule`: atomic
 * claims shared by every payer, answered checks only advancing the step) on its own keys, which
 * `RefundStore.transition` also writes in the step of a transition (`reconcile` option).
 */
export function refundSchedule(options: RefundScheduleOptions): ReconcileSchedule<RefundRef> {
  const keys = redisKeys(options.keyPrefix ?? "op");
  return new ReconcileSchedule<RefundRef>({
    redis: options.redis,
    intervalsMs: options.intervalsMs ?? defaultRefundReconcileIntervalsMs,
    scope: { key: keys.refundReconcile, checksKey: keys.refundReconcileChecks, member: refundMember, parse: parseRefundMember },
  });
}
