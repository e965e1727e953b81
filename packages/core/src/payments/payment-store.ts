import type { Redis } from "ioredis";
import { defaultEventRetentionMs, eventMinId } from "../events/add-event-lua.js";
import { type TakeOptions, takeArgs } from "../rate-limit/token-bucket-lua.js";
import { type RedisKeys, redisKeys } from "../redis/redis-keys.js";
import { ScriptErrorCode } from "../redis/script-error-code.js";
import { type RecordSendResult, type TransitionExtras, auditArg, expectedSendsArg, modeArg, recordSendResultOf, scheduleArg, stepWriteOf } from "../redis/transition-script.js";
import type { HistoryEntry, Payment } from "./payment.js";
import { eventIdOf, eventTypeOf } from "./payment-event.js";
import { createPaymentLua, createPaymentsLua, createPaymentsReplyWidth, recordSendLua, transitionPaymentLua } from "./payment-scripts.js";
import { type PaymentRef, parseRefMember, refMember } from "./payment-ref.js";
import { type PaymentStatus, canTransition, isFinal, isGatewayContradiction } from "./payment-status.js";
import { minorOf, paymentRefundFields, withRefundAmounts } from "./refund-totals.js";
import { type StatusChange, type StatusRules, contradictionReason, stepEntry, transitionLoop } from "./transition-loop.js";

export interface PaymentStoreOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  /** Events older than this are trimmed from the stream, once archived (never past the ledger's position); default 7 days. */
  eventRetentionMs?: number;
  clock?: () => Date;
}

export interface NewPayment extends PaymentRef {
  payment: Payment;
  /** Fingerprint of the request body (see `requestFingerprint`), compared on replays. */
  requestHash: string;
  /** The scanned wallet code (merchant scans). Kept out of the resource, events and logs. */
  authCode?: string;
}

export type CreateResult =
  | { created: true; payment: Payment; eventId: string }
  | { created: false; payment: Payment; requestHash: string; storeId: string };

/** A token bucket taken from in the create's own atomic step (see {@link PaymentStore.createWithinLimit}). */
export interface CreateLimit extends TakeOptions {
  /** Bucket key parts, as `TokenBucket` names them: e.g. scope `store`, id the store id. */
  scope: string;
  id: string;
}

export interface TransitionChange extends StatusChange<PaymentStatus> {
  /** Gateway facts learnt with this transition. */
  set?: Partial<Pick<Payment, "paymentId" | "barCode" | "qrCode" | "gateway">>;
}

export type TransitionResult =
  | { outcome: "applied"; payment: Payment; eventId: string }
  /**
   * Nothing changed: the payment is already there, the state machine forbids the move, it is
   * final, or it waits for an operator (a gateway contradiction: only `operator` moves it on).
   */
  | { outcome: "unchanged"; payment: Payment; reason: "same_status" | "not_allowed" | "final" | "awaiting_operator" }
  | { outcome: "not_found" };

/** Extras of {@link PaymentStore.transition}. */
export type TransitionOptions = TransitionExtras<Payment>;

/** What the payer needs before a submit, read together: the resource, its send count, its wallet code. */
export interface SubmitSnapshot {
  payment: Payment;
  sends: number;
  authCode: string | undefined;
}

type RedisWithScripts = Redis & {
  opCreatePayment(...args: string[]): Promise<[number, ...string[]]>;
  opCreatePayments(numberOfKeys: number, ...args: string[]): Promise<(number | string)[]>;
  opTransitionPayment(...args: string[]): Promise<[number, string?]>;
  opRecordSend(key: string, expected: string): Promise<number>;
};

/** What {@link PaymentStore.recordSend} found: the new count, or why nothing may be sent. */
export type { RecordSendResult };

/** The payment state machine, for the transition loop. */
const paymentRules: StatusRules<PaymentStatus> = { isFinal, canTransition, isContradiction: isGatewayContradiction };

/** Payments per create script call: bounds how long one call holds Redis (a batch is ≤ 500). */
export const maxPaymentsPerCreateCall = 500;

/**
 * `{1, streamId}` created, `{0, json, requestHash, storeId, refunded, refundHeld}` it already
 * existed, `{RateLimited, retryAfterMs}`.
 */
type CreateReply = [number, string, string?, string?, string?, string?];

/**
 * Payments in Redis. Creation is idempotent on (account, orderNumber); every change is a
 * compare-and-set on `version` that writes the resource, its history and its event (outbox) in
 * one Lua step, and a final status never changes.
 */
export class PaymentStore {
  private readonly redis: RedisWithScripts;
  private readonly keys: RedisKeys;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: PaymentStoreOptions) {
    this.redis = options.redis as RedisWithScripts;
    this.keys = redisKeys(options.keyPrefix ?? "op");
    this.retentionMs = options.eventRetentionMs ?? defaultEventRetentionMs;
    this.clock = options.clock ?? (() => new Date());
    if (typeof this.redis.opCreatePayment !== "function") {
      this.redis.defineCommand("opCreatePayment", { numberOfKeys: 6, lua: createPaymentLua });
      this.redis.defineCommand("opTransitionPayment", { numberOfKeys: 9, lua: transitionPaymentLua });
    }
    if (typeof this.redis.opCreatePayments !== "function") {
      // Variable key count: the caller passes it first.
      this.redis.defineCommand("opCreatePayments", { lua: createPaymentsLua });
    }
    if (typeof this.redis.opRecordSend !== "function") {
      this.redis.defineCommand("opRecordSend", { numberOfKeys: 1, lua: recordSendLua });
    }
  }

  /** Creates the payment and its `payment.accepted` event, unless the order number exists. */
  async create(input: NewPayment): Promise<CreateResult> {
    const stored = storedInput(input);
    // One script call, no pipeline object: the single-payment path is the hot one.
    const reply = await this.redis.opCreatePayment(...this.createArgs(stored, this.clock()));
    return this.createResult(stored, reply as unknown as CreateReply);
  }

  /**
   * {@link create} that first takes a token from a rate-limit bucket (the same bucket as
   * `TokenBucket`), in the same script: refused, nothing is created or read.
   */
  async createWithinLimit(input: NewPayment, limit: CreateLimit): Promise<CreateResult | { limited: true; retryAfterMs: number }> {
    const stored = storedInput(input);
    const reply = (await this.redis.opCreatePayment(...this.createArgs(stored, this.clock(), limit))) as unknown as CreateReply;
    if (reply[0] === ScriptErrorCode.RateLimited) return { limited: true, retryAfterMs: Math.max(1, Number(reply[1])) };
    return this.createResult(stored, reply);
  }

  /**
   * Like {@link create} for many payments, in order, with one script call per
   * {@link maxPaymentsPerCreateCall} (all sent at once: one round trip).
   */
  async createMany(inputs: readonly NewPayment[]): Promise<CreateResult[]> {
    if (inputs.length === 0) return [];
    const now = this.clock();
    const stored = inputs.map(storedInput);
    const chunks: (readonly NewPayment[])[] = [];
    for (let i = 0; i < stored.length; i += maxPaymentsPerCreateCall) chunks.push(stored.slice(i, i + maxPaymentsPerCreateCall));
    const results = await Promise.all(chunks.map((chunk) => this.createChunk(chunk, now)));
    return results.flat();
  }

  private async createChunk(inputs: readonly NewPayment[], now: Date): Promise<CreateResult[]> {
    const keys: string[] = [this.keys.events, this.keys.acceptedIndex, this.keys.submits, this.keys.archivedBelow];
    const args = [this.minId(now), String(now.getTime())];
    for (const input of inputs) {
      keys.push(this.keys.payment(input.account, input.orderNumber));
      args.push(...createFields(input), refMember(input));
    }
    const reply = await this.redis.opCreatePayments(keys.length, ...keys, ...args);
    return inputs.map((input, i) => {
      const at = i * createPaymentsReplyWidth;
      const created = reply[at] === 1;
      const values = [1, 2, 3, 4, 5].map((k) => reply[at + k]).map((v) => (v === undefined ? "" : String(v)));
      return this.createResult(input, [created ? 1 : 0, ...values] as CreateReply);
    });
  }

  private createArgs(input: NewPayment, now: Date, limit?: CreateLimit): string[] {
    const payment = this.keys.payment(input.account, input.orderNumber);
    return [
      payment,
      this.keys.events,
      this.keys.acceptedIndex,
      // Without a limit the script does not touch its fourth key; the payment's keeps the slot.
      limit ? this.keys.rateBucket(limit.scope, limit.id) : payment,
      this.keys.submits,
      this.keys.archivedBelow,
      ...createFields(input),
      this.minId(now),
      refMember(input),
      String(now.getTime()),
      ...(limit ? takeArgs(limit) : ["", "", ""]),
    ];
  }

  /** `input` as {@link storedInput} made it. */
  private createResult(input: NewPayment, reply: CreateReply): CreateResult {
    if (reply[0] === 1) return { created: true, payment: input.payment, eventId: eventIdOf(reply[1]) };
    const payment = withRefundAmounts(JSON.parse(reply[1]) as Payment, minorOf(reply[4]), minorOf(reply[5]));
    return { created: false, payment, requestHash: reply[2] ?? "", storeId: reply[3] ?? "" };
  }

  /** The payment, with the amounts its refunds leave (`refundedAmount`, `refundableAmount`). */
  async get(ref: PaymentRef): Promise<Payment | undefined> {
    const { refunded, held } = paymentRefundFields;
    const [json, refundedMinor, heldMinor] = await this.redis.hmget(this.keys.payment(ref.account, ref.orderNumber), "json", refunded, held);
    return json ? withRefundAmounts(JSON.parse(json) as Payment, minorOf(refundedMinor), minorOf(heldMinor)) : undefined;
  }

  /**
   * The payment with its send count and wallet code, in one round trip (one HMGET, so the three
   * are consistent with each other): the payer's first read of a submit.
   */
  async submitSnapshot(ref: PaymentRef): Promise<SubmitSnapshot | undefined> {
    const [json, sends, authCode] = await this.redis.hmget(this.keys.payment(ref.account, ref.orderNumber), "json", "sends", "authCode");
    if (!json) return undefined;
    // Still being submitted: no refund can exist yet, so its amounts are those of no refund.
    return { payment: withRefundAmounts(JSON.parse(json) as Payment), sends: Number(sends ?? 0), authCode: authCode ?? undefined };
  }

  /** The wallet code a merchant scanned, while the payment is not final. */
  async authCode(ref: PaymentRef): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.payment(ref.account, ref.orderNumber), "authCode")) ?? undefined;
  }

  /**
   * Counts one pay request about to be sent (atomically, before sending), only while the payment
   * is `submitting`. A count above zero means "the gateway may hold an attempt: query first".
   * With `expectedSends` (the count the caller based its decision on), nothing is counted when
   * another sender counted meanwhile (`count_moved`).
   */
  async recordSend(ref: PaymentRef, expectedSends?: number): Promise<RecordSendResult> {
    return recordSendResultOf(await this.redis.opRecordSend(this.keys.payment(ref.account, ref.orderNumber), expectedSendsArg(expectedSends)));
  }

  /** The id of the payment's submit feed entry (undefined for a payment created before the feed). */
  async feedEntryId(ref: PaymentRef): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.payment(ref.account, ref.orderNumber), "feedId")) ?? undefined;
  }

  /** Pay requests recorded by {@link recordSend} so far (0 when none or no such payment). */
  async sendCount(ref: PaymentRef): Promise<number> {
    return Number((await this.redis.hget(this.keys.payment(ref.account, ref.orderNumber), "sends")) ?? 0);
  }

  /** Payments still `accepted` since before `olderThan` (the intake recovery sweep re-enqueues them). */
  async acceptedBefore(olderThan: Date, limit = 1000): Promise<PaymentRef[]> {
    const members = await this.redis.zrangebyscore(this.keys.acceptedIndex, "-inf", olderThan.getTime(), "LIMIT", 0, limit);
    return members.map(parseRefMember).filter((ref): ref is PaymentRef => ref !== undefined);
  }

  /**
   * Moves a payment to `change.to` if the state machine allows it, appending history and
   * emitting exactly one event. Concurrent changes (a notice racing a query) are serialised by
   * the version check: the loser re-reads and re-decides, so either order is harmless.
   *
   * A success for a payment held as `failed` or `voided` (the gateway contradicts a final status;
   * from a notice, a query or a late pay answer alike) is never dropped: the payment goes to
   * `needs_review` with both facts in its history, its event, out of the reconciliation schedule,
   * into the contradictions index, and waits there for an `operator` transition.
   */
  async transition(ref: PaymentRef, change: TransitionChange, options: TransitionOptions = {}): Promise<TransitionResult> {
    const key = this.keys.payment(ref.account, ref.orderNumber);
    const result = await transitionLoop({
      name: `payment ${ref.account}/${ref.orderNumber}`,
      rules: paymentRules,
      change,
      current: options.current,
      read: () => this.get(ref),
      contradictionStep,
      write: async (current, step, contradiction) => {
        const at = this.clock();
        const entry: HistoryEntry = stepEntry(step, at.toISOString());
        if (contradiction && step.set?.paymentId !== undefined) entry.paymentId = step.set.paymentId;
        // Refunds only exist for a `succeeded` payment, which never moves again: a moving payment
        // has none, and its amounts are those of its new status alone.
        const next = withRefundAmounts({
          ...current,
          ...step.set,
          status: step.to,
          version: current.version + 1,
          updatedAt: entry.at,
          history: [...current.history, entry],
        });
        const json = JSON.stringify(next);
        const reply = await this.redis.opTransitionPayment(
          key,
          this.keys.events,
          this.keys.acceptedIndex,
          this.keys.reconcile,
          this.keys.reconcileChecks,
          this.keys.contradictions,
          this.keys.archivedBelow,
          this.keys.finalIndex,
          this.keys.audit,
          String(current.version),
          json,
          next.status,
          String(next.version),
          eventTypeOf(next.status),
          entry.at,
          this.minId(at),
          this.keys.paymentChannel(ref.account, ref.orderNumber),
          refMember(ref),
          isFinal(next.status) ? "1" : "0",
          scheduleArg(options.reconcile),
          modeArg(contradiction),
          step.source,
          String(at.getTime()),
          auditArg(options.audit, at),
        );
        return stepWriteOf(reply, next);
      },
    });
    if (result.outcome === "not_found") return result;
    if (result.outcome === "applied") return { outcome: "applied", payment: result.resource, eventId: result.eventId };
    return { outcome: "unchanged", payment: result.resource, reason: result.reason };
  }

  /** Payments waiting for a person because the gateway contradicted a final status (see {@link transition}). */
  async contradictionCount(): Promise<number> {
    return this.redis.zcard(this.keys.contradictions);
  }

  /** Whether this payment waits for an operator (a contradiction's review): nothing else moves it. */
  async awaitsOperator(ref: PaymentRef): Promise<boolean> {
    return (await this.redis.hget(this.keys.payment(ref.account, ref.orderNumber), "review")) === "contradiction";
  }

  private minId(now: Date): string {
    return eventMinId(now, this.retentionMs);
  }
}

/**
 * What a success for a `failed` / `voided` payment becomes: `needs_review`, the success's facts
 * (payment_id, code, gateway message) on the resource and in the new history entry, and the status
 * it was held in, with that attempt, in the entry's reason.
 */
function contradictionStep(current: Payment, change: TransitionChange): TransitionChange {
  const reason = contradictionReason({
    resource: "payment",
    idField: "payment_id",
    held: { status: current.status, id: current.paymentId, code: current.gateway?.code },
    success: { id: change.set?.paymentId, code: change.code },
  });
  return { ...change, to: "needs_review", reason };
}

/** A new payment as it is stored and published: with its (empty) refund amounts. */
function storedInput(input: NewPayment): NewPayment {
  return { ...input, payment: withRefundAmounts(input.payment) };
}

/** The create scripts' arguments about the payment itself: json, status, version, storeId, requestHash, authCode, eventType, at. */
function createFields(input: NewPayment): string[] {
  const { payment } = input;
  return [
    JSON.stringify(payment),
    payment.status,
    String(payment.version),
    payment.storeId,
    input.requestHash,
    input.authCode ?? "",
    eventTypeOf(payment.status),
    payment.createdAt,
  ];
}
