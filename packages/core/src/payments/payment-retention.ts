import type { Redis } from "ioredis";
import type { Refund } from "../refunds/refund.js";
import { refundMember } from "../refunds/refund-ref.js";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode } from "../redis/script-error-code.js";
import { toCurrencyMinor } from "./money.js";
import type { Payment } from "./payment.js";
import { finalStatuses, type PaymentStatus } from "./payment-status.js";
import { type PaymentRef, parseRefMember, refMember } from "./payment-ref.js";
import { paymentRefundFields } from "./refund-totals.js";
import { enrollFinalPaymentLua, removeArchivedPaymentLua, restoreArchivedPaymentLua } from "./retention-scripts.js";

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

/** One step of {@link PaymentRetention.enrollMissing}: where the next one starts (`"0"`: the scan is over). */
export interface EnrollStep {
  cursor: string;
  /** Payment hashes the step looked at. */
  scanned: number;
  /** Final payments it added to the index. */
  enrolled: number;
}

type RedisWithRetention = Redis & {
  opRemoveArchivedPayment(numberOfKeys: number, ...args: string[]): Promise<number>;
  opRestoreArchivedPayment(numberOfKeys: number, ...args: string[]): Promise<number>;
  opEnrollFinalPayment(numberOfKeys: number, ...args: string[]): Promise<number>;
};

// SCAN's MATCH is a glob: the prefix's own glob characters are matched literally.
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, "\\$&");

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
      this.redis.defineCommand("opEnrollFinalPayment", { lua: enrollFinalPaymentLua });
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
   * One bounded step of the backfill of the final-payments index (`enrollFinalPaymentLua`):
   * payments that became final before the index existed are in no index, and would stay in Redis
   * for ever. SCANs about `count` keys from `cursor` and enrolls each final payment missing from
   * the index at its last change: its own (`updatedAt`) or its refunds' (`refundChangedAt`, else
   * each refund's `updatedAt`). Idempotent: an enrolled or indexed payment is left as it is, so
   * running it again, or from two processes, changes nothing more.
   */
  async enrollMissing(cursor: string, count: number): Promise<EnrollStep> {
    const prefix = this.keys.payment("", "").slice(0, -1);
    const [next, found] = await this.redis.scan(cursor, "MATCH", `${globLiteral(prefix)}*`, "COUNT", count, "TYPE", "hash");
    const refs = found.map((key) => parseRefMember(key.slice(prefix.length))).filter((ref): ref is PaymentRef => ref !== undefined);
    const read = this.redis.pipeline();
    for (const ref of refs) {
      read.hmget(this.keys.payment(ref.account, ref.orderNumber), "json", "version", "status", paymentRefundFields.changedAt);
      read.zrange(this.keys.paymentRefunds(ref.account, ref.orderNumber), 0, -1);
    }
    const replies = refs.length > 0 ? ((await read.exec()) ?? []) : [];
    const held = refs.flatMap((ref, i) => {
      const [json, version, status, refundChangedAt] = (replies[2 * i]?.[1] ?? []) as (string | null)[];
      if (!json || !version || !finalStatuses.has(status as PaymentStatus)) return [];
      const refundNumbers = (replies[2 * i + 1]?.[1] ?? []) as string[];
      const changed = Math.max(Date.parse((JSON.parse(json) as Payment).updatedAt), Number(refundChangedAt ?? 0));
      return [{ ref, version, changed, refundNumbers: refundChangedAt ? [] : refundNumbers }];
    });
    // Refunds written before the payment kept their last change: each one's own.
    const refunds = this.redis.pipeline();
    for (const p of held) for (const n of p.refundNumbers) refunds.hget(this.keys.refund(p.ref.account, p.ref.orderNumber, n), "json");
    const refundJsons = refunds.length > 0 ? ((await refunds.exec()) ?? []).map(([, json]) => json as string | null) : [];
    const enroll = this.redis.pipeline() as ReturnType<Redis["pipeline"]> & { opEnrollFinalPayment(numberOfKeys: number, ...args: string[]): unknown };
    for (const p of held) {
      const times = refundJsons.splice(0, p.refundNumbers.length).map((json) => (json ? Date.parse((JSON.parse(json) as Refund).updatedAt) : 0));
      const changed = Math.max(p.changed, ...times);
      if (!Number.isFinite(changed)) continue;
      const keys = [this.keys.payment(p.ref.account, p.ref.orderNumber), this.keys.finalIndex, this.keys.events];
      enroll.opEnrollFinalPayment(keys.length, ...keys, refMember(p.ref), p.version, String(changed));
    }
    const enrolled = enroll.length > 0 ? ((await enroll.exec()) ?? []).filter(([, reply]) => reply === 1).length : 0;
    return { cursor: next, scanned: found.length, enrolled };
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
