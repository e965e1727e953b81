import type { Redis } from "ioredis";
import { defaultEventRetentionMs, eventMinId } from "../events/add-event-lua.js";
import { currencyDecimals, formatCurrencyMinor, toCurrencyMinor } from "../payments/money.js";
import { eventIdOf } from "../payments/payment-event.js";
import { type PaymentRef, refMember } from "../payments/payment-ref.js";
import { recordSendLua } from "../payments/payment-scripts.js";
import type { PaymentStatus } from "../payments/payment-status.js";
import { paymentRefundFields } from "../payments/refund-totals.js";
import { type StatusChange, type StatusRules, contradictionReason, stepEntry, transitionLoop } from "../payments/transition-loop.js";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode } from "../redis/script-error-code.js";
import { type RecordSendResult, type TransitionExtras, auditArg, expectedSendsArg, modeArg, recordSendResultOf, scheduleArg, stepWriteOf } from "../redis/transition-script.js";
import type { Refund, RefundHistoryEntry } from "./refund.js";
import { refundEventTypeOf } from "./refund-event.js";
import { type RefundRef, parseRefundMember, refundMember } from "./refund-ref.js";
import { createRefundLua, transitionRefundLua } from "./refund-scripts.js";
import { type RefundStatus, canRefundTransition, isRefundContradiction, isRefundFinal } from "./refund-status.js";

export interface RefundStoreOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Events older than this are trimmed from the stream once archived; default 7 days (as `PaymentStore`'s). */
  eventRetentionMs?: number;
  clock?: () => Date;
}

export interface NewRefund extends RefundRef {
  /** The resource: `accepted`, version 1, in its payment's currency. */
  refund: Refund;
  /** Fingerprint of the request body (`requestFingerprint`), compared on replays. */
  requestHash: string;
}

export type RefundCreateResult =
  | { outcome: "created"; refund: Refund; eventId: string }
  | { outcome: "exists"; refund: Refund; requestHash: string; storeId: string }
  /** No payment with this order number for the refund's store: nothing was created. */
  | { outcome: "payment_not_found" }
  | { outcome: "not_refundable"; paymentStatus: PaymentStatus }
  /** The payment's other refunds (not `failed`) leave less than this one: `refundableAmount` is what they leave. */
  | { outcome: "exceeds_payment"; refundableAmount: string }
  /** The payment is not in the refund's currency (not the payment the caller read): read it again. */
  | { outcome: "payment_changed" };

export interface RefundChange extends StatusChange<RefundStatus> {
  /** Gateway facts learnt with this transition. */
  set?: Partial<Pick<Refund, "refundId" | "gateway">>;
}

export type RefundTransitionResult =
  | { outcome: "applied"; refund: Refund; eventId: string }
  | { outcome: "unchanged"; refund: Refund; reason: "same_status" | "not_allowed" | "final" | "awaiting_operator" }
  | { outcome: "not_found" };

/** Extras of {@link RefundStore.transition}. */
export type RefundTransitionOptions = TransitionExtras<Refund>;

type RedisWithRefundScripts = Redis & {
  opCreateRefund(...args: string[]): Promise<[number, (string | number)?, string?, string?]>;
  opTransitionRefund(...args: string[]): Promise<[number, string?]>;
  opRecordRefundSend(key: string, expected: string, sentAt: string): Promise<number>;
};

const refundRules: StatusRules<RefundStatus> = { isFinal: isRefundFinal, canTransition: canRefundTransition, isContradiction: isRefundContradiction };

/**
 * Refunds in Redis, beside their payment. Creation is idempotent on (payment, refundNumber) and
 * checks, in the same atomic step, the payment's status and what its other refunds leave; every
 * change is a compare-and-set on `version` (`transitionLoop`, as for payments) that writes the
 * resource, its history, its event and its payment's totals in one Lua step. A final status never
 * changes, but for a gateway contradiction, which waits for a person.
 */
export class RefundStore {
  private readonly redis: RedisWithRefundScripts;
  private readonly keys: RedisKeys;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: RefundStoreOptions) {
    this.redis = options.redis as RedisWithRefundScripts;
    this.keys = redisKeys(options.keyPrefix ?? "op");
    this.retentionMs = options.eventRetentionMs ?? defaultEventRetentionMs;
    this.clock = options.clock ?? (() => new Date());
    if (typeof this.redis.opCreateRefund !== "function") {
      this.redis.defineCommand("opCreateRefund", { numberOfKeys: 8, lua: createRefundLua });
      this.redis.defineCommand("opTransitionRefund", { numberOfKeys: 10, lua: transitionRefundLua });
      // The payment's send count script, as is: it counts on any hash with `status` and `sends`.
      this.redis.defineCommand("opRecordRefundSend", { numberOfKeys: 1, lua: recordSendLua });
    }
  }

  /** Creates the refund, its `refund.accepted` event and its feed entry, unless refused or it exists. */
  async create(input: NewRefund): Promise<RefundCreateResult> {
    const { refund } = input;
    const amountMinor = toCurrencyMinor(refund.amount, refund.currency);
    const decimals = currencyDecimals(refund.currency);
    if (amountMinor === undefined || decimals === undefined) throw new RangeError(`refund amount ${refund.amount} is not an amount in ${refund.currency}`);
    const now = this.clock();
    const json = JSON.stringify(refund);
    const [code, value, requestHash, storeId] = await this.redis.opCreateRefund(
      this.keys.payment(input.account, input.orderNumber),
      this.refundKey(input),
      this.keys.paymentRefunds(input.account, input.orderNumber),
      this.keys.events,
      this.keys.refundFeed,
      this.keys.acceptedRefunds,
      this.keys.archivedBelow,
      this.keys.finalIndex,
      json,
      refund.status,
      String(refund.version),
      refund.storeId,
      input.requestHash,
      amountMinor.toString(),
      refund.currency,
      String(decimals),
      refundEventTypeOf(refund.status),
      refund.createdAt,
      this.minId(now),
      refundMember(input),
      String(now.getTime()),
      input.refundNumber,
      refMember(input),
    );
    switch (code) {
      case 1:
        return { outcome: "created", refund, eventId: eventIdOf(String(value)) };
      case 2:
        return { outcome: "exists", refund: JSON.parse(String(value)) as Refund, requestHash: requestHash ?? "", storeId: storeId ?? "" };
      case ScriptErrorCode.NotFound:
        return { outcome: "payment_not_found" };
      case ScriptErrorCode.NotRefundable:
        return { outcome: "not_refundable", paymentStatus: String(value) as PaymentStatus };
      case ScriptErrorCode.RefundExceedsPayment:
        return { outcome: "exceeds_payment", refundableAmount: formatCurrencyMinor(BigInt(value ?? 0), refund.currency) };
      case ScriptErrorCode.Conflict:
        return { outcome: "payment_changed" };
      default:
        throw new Error(`refund create script answered ${code}`);
    }
  }

  async get(ref: RefundRef): Promise<Refund | undefined> {
    const json = await this.redis.hget(this.refundKey(ref), "json");
    return json ? (JSON.parse(json) as Refund) : undefined;
  }

  /** The refunds of a payment, oldest first. */
  async list(payment: PaymentRef): Promise<Refund[]> {
    const numbers = await this.redis.zrange(this.keys.paymentRefunds(payment.account, payment.orderNumber), 0, -1);
    // Concurrent commands: one write on an auto-pipelined connection.
    const jsons = await Promise.all(numbers.map((refundNumber) => this.redis.hget(this.refundKey({ ...payment, refundNumber }), "json")));
    return jsons.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as Refund);
  }

  /** How many refunds of the payment are not final (a payment with an open refund stays in Redis). */
  async openCount(payment: PaymentRef): Promise<number> {
    return Number((await this.redis.hget(this.keys.payment(payment.account, payment.orderNumber), paymentRefundFields.open)) ?? 0);
  }

  /**
   * Moves a refund to `change.to` if the state machine allows it, with one event, and its payment's
   * totals in the same step. A success for a refund held as `failed` goes to `needs_review` with
   * both facts, holds its amount again, leaves the refund schedule, joins the contradictions
   * index and waits there for an `operator` transition.
   */
  async transition(ref: RefundRef, change: RefundChange, options: RefundTransitionOptions = {}): Promise<RefundTransitionResult> {
    const result = await transitionLoop({
      name: `refund ${refundMember(ref)}`,
      rules: refundRules,
      change,
      current: options.current,
      read: () => this.get(ref),
      contradictionStep,
      write: async (current, step, contradiction) => {
        const at = this.clock();
        const entry: RefundHistoryEntry = stepEntry(step, at.toISOString());
        if (contradiction && step.set?.refundId !== undefined) entry.refundId = step.set.refundId;
        const next: Refund = { ...current, ...step.set, status: step.to, version: current.version + 1, updatedAt: entry.at, history: [...current.history, entry] };
        const reply = await this.redis.opTransitionRefund(
          this.refundKey(ref),
          this.keys.payment(ref.account, ref.orderNumber),
          this.keys.events,
          this.keys.acceptedRefunds,
          this.keys.refundReconcile,
          this.keys.refundReconcileChecks,
          this.keys.refundContradictions,
          this.keys.archivedBelow,
          this.keys.finalIndex,
          this.keys.audit,
          String(current.version),
          JSON.stringify(next),
          next.status,
          String(next.version),
          refundEventTypeOf(next.status),
          entry.at,
          this.minId(at),
          refundMember(ref),
          scheduleArg(options.reconcile),
          modeArg(contradiction),
          step.source,
          String(at.getTime()),
          refMember(ref),
          auditArg(options.audit, at),
        );
        return stepWriteOf(reply, next);
      },
    });
    if (result.outcome === "not_found") return result;
    if (result.outcome === "applied") return { outcome: "applied", refund: result.resource, eventId: result.eventId };
    return { outcome: "unchanged", refund: result.resource, reason: result.reason };
  }

  /**
   * Counts one applyRefund about to be sent (atomically, before sending), only while the refund is
   * `submitting`: above zero means "the gateway may have filed it: query first" (applyRefund has no
   * idempotency key). With `expectedSends`, nothing is counted when another sender counted meanwhile.
   */
  async recordSend(ref: RefundRef, expectedSends?: number): Promise<RecordSendResult> {
    // With the count, when the latest request left (`sendSnapshot`): before the send, so it is
    // never later than the send it dates (a payer that dies before sending sent nothing).
    return recordSendResultOf(await this.redis.opRecordRefundSend(this.refundKey(ref), expectedSendsArg(expectedSends), String(this.clock().getTime())));
  }

  /** applyRefund requests recorded by {@link recordSend} so far (0 when none or no such refund). */
  async sendCount(ref: RefundRef): Promise<number> {
    return Number((await this.redis.hget(this.refundKey(ref), "sends")) ?? 0);
  }

  /**
   * The refund, its send count and when its latest applyRefund left (epoch ms; undefined when none
   * was sent), in one read: what a payer needs before it may (re)file it.
   */
  async sendSnapshot(ref: RefundRef): Promise<{ refund: Refund; sends: number; sentAt: number | undefined } | undefined> {
    const [json, sends, sentAt] = await this.redis.hmget(this.refundKey(ref), "json", "sends", "sentAt");
    if (!json) return undefined;
    return { refund: JSON.parse(json) as Refund, sends: Number(sends ?? 0), sentAt: sentAt === null ? undefined : Number(sentAt) };
  }

  /** The id of the refund's feed entry. */
  async feedEntryId(ref: RefundRef): Promise<string | undefined> {
    return (await this.redis.hget(this.refundKey(ref), "feedId")) ?? undefined;
  }

  /** Refunds still `accepted` since before `olderThan` (for a recovery sweep). */
  async acceptedBefore(olderThan: Date, limit = 1000): Promise<RefundRef[]> {
    const members = await this.redis.zrangebyscore(this.keys.acceptedRefunds, "-inf", olderThan.getTime(), "LIMIT", 0, limit);
    return members.map(parseRefundMember).filter((ref): ref is RefundRef => ref !== undefined);
  }

  /** Whether this refund waits for an operator (a contradiction's review). */
  async awaitsOperator(ref: RefundRef): Promise<boolean> {
    return (await this.redis.hget(this.refundKey(ref), "review")) === "contradiction";
  }

  /** Refunds waiting for a person because the gateway contradicted a `failed` status. */
  async contradictionCount(): Promise<number> {
    return this.redis.zcard(this.keys.refundContradictions);
  }

  private refundKey(ref: RefundRef): string {
    return this.keys.refund(ref.account, ref.orderNumber, ref.refundNumber);
  }

  private minId(now: Date): string {
    return eventMinId(now, this.retentionMs);
  }
}

/** What a success for a `failed` refund becomes: `needs_review`, with both facts. */
function contradictionStep(current: Refund, change: RefundChange): RefundChange {
  const reason = contradictionReason({
    resource: "refund",
    idField: "refund_id",
    held: { status: current.status, id: current.refundId, code: current.gateway?.code },
    success: { id: change.set?.refundId, code: change.code },
  });
  return { ...change, to: "needs_review", reason };
}
