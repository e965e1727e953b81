import type { Redis } from "ioredis";
import type { Refund } from "../refunds/refund.js";
import { refundMember } from "../refunds/refund-ref.js";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode } from "../redis/script-error-code.js";
import { toCurrencyMinor } from "./money.js";
import type { Payment } from "./payment.js";
import { type PaymentRef, parseRefMember, refMember } from "./payment-ref.js";
import { removeArchivedPaymentLua, restoreArchivedPaymentLua } from "./retention-scripts.js";

export interface PaymentRetentionOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  clock?: () => Date;
}

/** A final payment past the retention, as Redis holds it now (what the archive must match). */
export interface RetentionCandidate {
  ref: PaymentRef;
  /** Undefined when the index names a payment that is gone (the removal drops the member). */
  held?: { storeId: string; createdAt: string; version: number; refundNumbers: string[] };
}

export type RemoveOutcome = "removed" | "gone" | "conflict" | "retained" | "not_archived";

type RedisWithRetention = Redis & {
  opRemoveArchivedPayment(numberOfKeys: number, ...args: string[]): Promise<number>;
  opRestoreArchivedPayment(numberOfKeys: number, ...args: string[]): Promise<number>;
};

/**
 * How payments leave Redis and come back. A final payment is indexed by its last change (its
 * final transition, or its refunds' last change) in the same step as that change; once
 * `PAYMENT_RETENTION_DAYS` have passed and the archive holds its latest version, it is removed
 * in one Lua step that re-checks all of that (`removeArchivedPaymentLua`). An archived payment
 * is put back for a refund in one step (`restoreArchivedPaymentLua`).
 */
export class PaymentRetention {
  private readonly redis: RedisWithRetention;
  private readonly keys: RedisKeys;
  private readonly clock: () => Date;

  constructor(options: PaymentRetentionOptions) {
    this.redis = options.redis as RedisWithRetention;
    this.keys = redisKeys(options.keyPrefix ?? "op");
    this.clock = options.clock ?? (() => new Date());
    if (typeof this.redis.opRemoveArchivedPayment !== "function") {
      this.redis.defineCommand("opRemoveArchivedPayment", { lua: removeArchivedPaymentLua });
      this.redis.defineCommand("opRestoreArchivedPayment", { lua: restoreArchivedPaymentLua });
    }
  }

  /** Final payments whose last change is no later than `cutoff`, oldest first, with what Redis holds of each. */
  async due(cutoff: Date, limit: number): Promise<RetentionCandidate[]> {
    const members = await this.redis.zrangebyscore(this.keys.finalIndex, "-inf", cutoff.getTime(), "LIMIT", 0, limit);
    const refs = members.map(parseRefMember).filter((ref): ref is PaymentRef => ref !== undefined);
    const pipeline = this.redis.pipeline();
    for (const ref of refs) {
      pipeline.hmget(this.keys.payment(ref.account, ref.orderNumber), "json", "version");
      pipeline.zrange(this.keys.paymentRefunds(ref.account, ref.orderNumber), 0, -1);
    }
    const replies = (await pipeline.exec()) ?? [];
    return refs.map((ref, i) => {
      const [json, version] = (replies[2 * i]?.[1] ?? []) as (string | null)[];
      if (!json || !version) return { ref };
      const payment = JSON.parse(json) as Payment;
      const refundNumbers = (replies[2 * i + 1]?.[1] ?? []) as string[];
      return { ref, held: { storeId: payment.storeId, createdAt: payment.createdAt, version: Number(version), refundNumbers } };
    });
  }

  /** How many final payments changed last no later than `cutoff` (due for removal, archived or not). */
  dueCount(cutoff: Date): Promise<number> {
    return this.redis.zcount(this.keys.finalIndex, "-inf", cutoff.getTime());
  }

  /** Removes the payment if everything `removeArchivedPaymentLua` checks still holds. */
  async remove(candidate: RetentionCandidate, cutoff: Date): Promise<RemoveOutcome> {
    const { ref } = candidate;
    const refunds = (candidate.held?.refundNumbers ?? []).map((refundNumber) => ({ ...ref, refundNumber }));
    const k = this.keys;
    const keys = [
      k.payment(ref.account, ref.orderNumber), k.paymentRefunds(ref.account, ref.orderNumber), k.finalIndex, k.archivedBelow,
      k.acceptedIndex, k.reconcile, k.reconcileChecks, k.acceptedRefunds, k.refundReconcile, k.refundReconcileChecks,
      ...refunds.map((r) => k.refund(r.account, r.orderNumber, r.refundNumber)),
    ];
    const args = [refMember(ref), String(candidate.held?.version ?? ""), String(cutoff.getTime()), ...refunds.map(refundMember)];
    const reply = await this.redis.opRemoveArchivedPayment(keys.length, ...keys, ...args);
    if (reply === 1) return "removed";
    if (reply === ScriptErrorCode.NotFound) return "gone";
    if (reply === ScriptErrorCode.Retained) return "retained";
    if (reply === ScriptErrorCode.NotArchived) return "not_archived";
    return "conflict";
  }

  /**
   * Puts an archived payment (and its refunds, all final) back into Redis unless its order
   * number is there already: `exists` then, and the caller reads what Redis has.
   */
  async restore(ref: PaymentRef, payment: Payment, refunds: readonly Refund[]): Promise<"restored" | "exists"> {
    const minor = (amount: string) => toCurrencyMinor(amount, payment.currency) ?? 0n;
    const sum = (list: readonly Refund[]) => list.reduce((total, r) => total + minor(r.amount), 0n);
    const refunded = sum(refunds.filter((r) => r.status === "succeeded"));
    const held = sum(refunds.filter((r) => r.status !== "failed"));
    const k = this.keys;
    const keys = [
      k.payment(ref.account, ref.orderNumber), k.paymentRefunds(ref.account, ref.orderNumber), k.finalIndex,
      ...refunds.map((r) => k.refund(ref.account, ref.orderNumber, r.refundNumber)),
    ];
    // Reads recompute the refund amounts from the totals below, as for any payment.
    const args = [
      refMember(ref), JSON.stringify(payment), payment.status, String(payment.version), payment.storeId, refunded.toString(), held.toString(),
      String(this.clock().getTime()),
      ...refunds.flatMap((r) => [r.refundNumber, JSON.stringify(r), r.status, String(r.version), minor(r.amount).toString()]),
    ];
    const reply = await this.redis.opRestoreArchivedPayment(keys.length, ...keys, ...args);
    return reply === 1 ? "restored" : "exists";
  }
}
