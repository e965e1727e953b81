import { ReconcileSchedule, type ReconcileScheduleOptions } from "../payments/reconcile-schedule.js";
import { redisKeys } from "../redis/redis-keys.js";
import { type RefundRef, parseRefundMember, refundMember } from "./refund-ref.js";

/**
 * The refunds' query schedule (`refundReconcile`, `refundReconcileChecks`; members
 * `account:orderNumber:refundNumber`): the payments' `ReconcileSchedule` mechanism on the refunds'
 * own keys. The one marker that says "query this refund": a refund notice that cannot move its
 * refund schedules it now (`scheduleAt(ref, now)`), the refund transition script keeps it (a due
 * time, or `remove` when final), and the payer's refund reconciler claims it. `intervalsMs` are the
 * reconciler's to choose (a refund waits hours to days); a caller that only schedules needs none.
 */
export function refundSchedule(options: Omit<ReconcileScheduleOptions<RefundRef>, "members">): ReconcileSchedule<RefundRef> {
  const keys = redisKeys(options.keyPrefix ?? "op");
  return new ReconcileSchedule<RefundRef>({
    ...options,
    members: { scheduleKey: keys.refundReconcile, checksKey: keys.refundReconcileChecks, member: refundMember, parse: parseRefundMember },
  });
}
