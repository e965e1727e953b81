import type { Logger } from "@oceanpos/core/logger";
import type { CredentialsLookup, OfflineMethod } from "./field-rules.js";
import type { Attempt, AttemptStatus, Ledger, Order } from "./ledger.js";
import type { NoticeDispatcher } from "./notice-dispatcher.js";
import type { PayMode, PayRequest } from "./pay-request.js";
import { PaymentIds, barCodeFor, formatDateTime } from "./payment-ids.js";
import { type PaymentResultFields, attemptFields, renderPaymentResult } from "./payment-result.js";
import { RefundEngine } from "./refund-engine.js";
import { type ResultCode, resultCodes } from "./result-codes.js";
import type { SandboxMetrics } from "./sandbox-metrics.js";

export interface PaymentEngineOptions {
  ledger: Ledger;
  notices: NoticeDispatcher;
  credentials: CredentialsLookup;
  /** Payment codes ending in 7 succeed this long after the pending answer. */
  pendingMs: number;
  /** customer_scan attempts are paid by the "customer" after this long; undefined = only by `/sandbox/scan`. */
  autoPayMs: number | undefined;
  /** A filed refund is paid out this long later (when the balance allows). */
  refundMs: number;
  now: () => number;
  logger: Logger;
  metrics: SandboxMetrics;
}

export type PayOutcome = { kind: "duplicate" } | { kind: "attempt"; attempt: Attempt };
export type ScanOutcome = "not_found" | "not_awaiting" | "ambiguous" | Attempt;
export type VoidOutcome = { voided: boolean; result: ResultCode };
export type OrphanOutcome = { kind: "charged"; attempt: Attempt } | { kind: "already_charged" };

/** `POST /sandbox/orphan-charge`: a charge no request of ours made, at `at` (epoch ms). */
export interface OrphanCharge {
  account: string;
  terminal: string;
  orderNumber: string;
  currency: string;
  amount: string;
  method: OfflineMethod;
  at: number;
}

/** What an attempt is made of; the rest (ids, times, status) the engine fills in. */
interface AttemptSpec {
  mode: PayMode;
  method: OfflineMethod;
  currency: string;
  amount: string;
  notes: string;
  noticeUrl: string;
}

const isOpen = (a: Attempt): boolean => a.status === "pending" || a.status === "awaiting_customer";

/**
 * The payment rules: scripted outcomes, exactly-once charging and the notices they cause.
 *
 * Resubmission policy: an order_number that already succeeded is refused with 20061 and no new
 * attempt (so a query still shows the success on top). One that has an attempt still open gets a
 * new attempt; the first attempt to succeed takes the order's only charge and every other open
 * attempt of the order is closed at that moment as failed `20061:Duplicate order` (with its
 * notice), so it can never succeed later (its timer is cancelled, `/sandbox/scan` answers 409).
 * Refunds of the charges are {@link RefundEngine}'s (`refunds`), which shares the id sequence.
 */
export class PaymentEngine {
  readonly refunds: RefundEngine;
  private readonly timers = new Map<Attempt, NodeJS.Timeout>();
  private readonly ids: PaymentIds;

  constructor(private readonly options: PaymentEngineOptions) {
    this.ids = new PaymentIds(options.now);
    this.refunds = new RefundEngine({ ...options, ids: this.ids });
  }

  pay(request: PayRequest): PayOutcome {
    const { ledger } = this.options;
    const known = ledger.order(request.account, request.terminal, request.orderNumber);
    if (known?.succeeded) return { kind: "duplicate" };
    const order = known ?? ledger.order(request.account, request.terminal, request.orderNumber, true);
    const customerScan = request.mode === "customer_scan";
    const attempt = this.addAttempt(order, request, this.options.now());

    if (customerScan) {
      if (this.options.autoPayMs !== undefined) this.schedule(attempt, this.options.autoPayMs);
    } else if (request.scriptDigit !== undefined && request.scriptDigit <= 6) {
      this.succeed(attempt);
    } else if (request.scriptDigit === 7) {
      this.schedule(attempt, this.options.pendingMs);
    } else if (request.scriptDigit === 8) {
      this.finish(attempt, "failed", resultCodes.riskDeclined);
    } // 9: pending for ever, by design.
    return { kind: "attempt", attempt };
  }

  /** The customer pays (or refuses) the QR of the newest awaiting attempt of an order. */
  scan(orderNumber: string, outcome: "succeeded" | "failed", scope?: { account: string; terminal: string }): ScanOutcome {
    const orders: readonly (Order | undefined)[] = scope
      ? [this.options.ledger.order(scope.account, scope.terminal, orderNumber)]
      : this.options.ledger.ordersNumbered(orderNumber);
    const known = orders.filter((o): o is Order => o !== undefined);
    if (known.length === 0) return "not_found";
    const awaiting = known
      .map((o) => o.attempts.findLast((a) => a.status === "awaiting_customer"))
      .filter((a): a is Attempt => a !== undefined);
    if (awaiting.length === 0) return "not_awaiting";
    if (awaiting.length > 1) return "ambiguous";
    const attempt = awaiting[0] as Attempt;
    if (outcome === "succeeded") this.succeed(attempt);
    else this.finish(attempt, "failed", resultCodes.customerCancelled);
    return attempt;
  }

  /** Oceanpayment's offline void (payment_authType=3): closes every open attempt of the order. */
  voidOrder(account: string, terminal: string, orderNumber: string): VoidOutcome {
    const order = this.options.ledger.order(account, terminal, orderNumber);
    if (!order) return { voided: false, result: resultCodes.orderNotFound };
    if (order.succeeded) return { voided: false, result: resultCodes.alreadyPaid };
    const open = order.attempts.filter(isOpen);
    if (open.length === 0) {
      // Voiding twice is harmless: a retried void after a lost response must not look like a failure.
      const newest = order.attempts[order.attempts.length - 1];
      return newest?.status === "voided"
        ? { voided: true, result: resultCodes.voided }
        : { voided: false, result: resultCodes.orderClosed };
    }
    for (const attempt of open) this.finish(attempt, "voided", resultCodes.voided);
    return { voided: true, result: resultCodes.voided };
  }

  /**
   * A charge no request made (validated by the caller): a succeeded attempt at `at`, no notice (no
   * noticeUrl), listed by QueryOrdersList and queryable like any other. An order that already
   * succeeded is refused (a second charge would break the ledger's proof); open attempts of the
   * order are closed as duplicates, as when any attempt succeeds.
   */
  orphanCharge(charge: OrphanCharge): OrphanOutcome {
    const { ledger } = this.options;
    if (ledger.order(charge.account, charge.terminal, charge.orderNumber)?.succeeded) return { kind: "already_charged" };
    const order = ledger.order(charge.account, charge.terminal, charge.orderNumber, true);
    const attempt = this.addAttempt(order, { ...charge, mode: "merchant_scan", notes: "", noticeUrl: "" }, charge.at);
    this.succeed(attempt, charge.at);
    return { kind: "charged", attempt };
  }

  /** Forgets every order and refund and cancels their timers (`DELETE /sandbox/ledger`). */
  reset(): void {
    this.cancelTimers();
    this.refunds.reset();
    this.options.ledger.reset();
  }

  close(): void {
    this.cancelTimers();
    this.refunds.close();
  }

  private addAttempt(order: Order, spec: AttemptSpec, at: number): Attempt {
    const paymentId = this.ids.next(at);
    const customerScan = spec.mode === "customer_scan";
    const attempt: Attempt = {
      paymentId,
      order,
      mode: spec.mode,
      method: spec.method,
      currency: spec.currency,
      amount: spec.amount,
      notes: spec.notes,
      noticeUrl: spec.noticeUrl,
      barCode: customerScan ? barCodeFor(paymentId) : "",
      createdAt: at,
      updatedAt: at,
      status: customerScan ? "awaiting_customer" : "pending",
      result: undefined,
      refunds: [],
    };
    this.options.ledger.addAttempt(attempt);
    return attempt;
  }

  private succeed(attempt: Attempt, at = this.options.now()): void {
    const order = attempt.order;
    if (order.succeeded) {
      // Unreachable while the policy above holds; refusing here keeps the second charge impossible.
      this.finish(attempt, "failed", resultCodes.duplicateOrder);
      return;
    }
    this.options.ledger.recordCharge(attempt);
    this.options.metrics.charges.inc();
    this.finish(attempt, "succeeded", resultCodes.approved, at);
    for (const other of order.attempts) {
      if (other !== attempt && isOpen(other)) this.finish(other, "failed", resultCodes.duplicateOrder);
    }
  }

  /** Moves an attempt to a final state and sends its notice. */
  private finish(attempt: Attempt, status: AttemptStatus, result: ResultCode, at = this.options.now()): void {
    const before = attemptFields(attempt);
    this.cancelTimer(attempt);
    attempt.status = status;
    attempt.result = result;
    attempt.updatedAt = at;
    this.notify(attempt, attemptFields(attempt), before);
  }

  private notify(attempt: Attempt, final: PaymentResultFields, stale: PaymentResultFields): void {
    const secureCode = this.options.credentials(attempt.order.terminal);
    const outgoing = (fields: PaymentResultFields) => ({
      url: attempt.noticeUrl,
      paymentId: attempt.paymentId,
      render: (corruptSignature: boolean) =>
        renderPaymentResult(fields, { secureCode, corruptSignature, pushedAt: formatDateTime(this.options.now()) }),
    });
    this.options.notices.send(outgoing(final), outgoing(stale));
  }

  private schedule(attempt: Attempt, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(attempt);
      if (isOpen(attempt)) this.succeed(attempt);
    }, ms);
    timer.unref();
    this.timers.set(attempt, timer);
  }

  private cancelTimer(attempt: Attempt): void {
    const timer = this.timers.get(attempt);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(attempt);
    }
  }

  private cancelTimers(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
