import type { Logger } from "@oceanpos/core/logger";
import { type CredentialsLookup, amountToCents } from "./field-rules.js";
import type { Attempt, AttemptStatus, Ledger, Order } from "./ledger.js";
import type { NoticeDispatcher } from "./notice-dispatcher.js";
import type { PayRequest } from "./pay-request.js";
import { PaymentIds, barCodeFor, formatDateTime } from "./payment-ids.js";
import { type PaymentResultFields, attemptFields, renderPaymentResult } from "./payment-result.js";
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
  now: () => number;
  logger: Logger;
  metrics: SandboxMetrics;
}

export type PayOutcome = { kind: "duplicate" } | { kind: "attempt"; attempt: Attempt };
export type ScanOutcome = "not_found" | "not_awaiting" | "ambiguous" | Attempt;
export type VoidOutcome = { voided: boolean; result: ResultCode };
export type RefundOutcome = { ok: true; refundId: string } | { ok: false; result: ResultCode };

const isOpen = (a: Attempt): boolean => a.status === "pending" || a.status === "awaiting_customer";

/**
 * The payment rules: scripted outcomes, exactly-once charging and the notices they cause.
 *
 * Resubmission policy: an order_number that already succeeded is refused with 20061 and no new
 * attempt (so a query still shows the success on top). One that has an attempt still open gets a
 * new attempt; the first attempt to succeed takes the order's only charge and every other open
 * attempt of the order is closed at that moment as failed `20061:Duplicate order` (with its
 * notice), so it can never succeed later (its timer is cancelled, `/sandbox/scan` answers 409).
 */
export class PaymentEngine {
  private readonly timers = new Map<Attempt, NodeJS.Timeout>();
  private readonly ids: PaymentIds;

  constructor(private readonly options: PaymentEngineOptions) {
    this.ids = new PaymentIds(options.now);
  }

  pay(request: PayRequest): PayOutcome {
    const { ledger } = this.options;
    const known = ledger.order(request.account, request.terminal, request.orderNumber);
    if (known?.succeeded) return { kind: "duplicate" };
    const order = known ?? ledger.order(request.account, request.terminal, request.orderNumber, true);
    const paymentId = this.ids.next();
    const now = this.options.now();
    const customerScan = request.mode === "customer_scan";
    const attempt: Attempt = {
      paymentId,
      order,
      mode: request.mode,
      method: request.method,
      currency: request.currency,
      amount: request.amount,
      notes: request.notes,
      noticeUrl: request.noticeUrl,
      barCode: customerScan ? barCodeFor(paymentId) : "",
      createdAt: now,
      updatedAt: now,
      status: customerScan ? "awaiting_customer" : "pending",
      result: undefined,
      refundedCents: 0,
    };
    ledger.addAttempt(attempt);

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

  refund(account: string, terminal: string, paymentId: string, amount: string): RefundOutcome {
    const attempt = this.options.ledger.attempt(paymentId);
    if (!attempt || attempt.order.account !== account || attempt.order.terminal !== terminal) {
      return { ok: false, result: resultCodes.unknownPaymentId };
    }
    const cents = amountToCents(amount);
    const captured = attempt.status === "succeeded" ? (amountToCents(attempt.amount) ?? 0) : 0;
    if (cents === undefined) return { ok: false, result: resultCodes.invalidRefund };
    if (attempt.refundedCents + cents > captured) return { ok: false, result: resultCodes.refundExceedsCapture };
    attempt.refundedCents += cents;
    return { ok: true, refundId: this.ids.next() };
  }

  /** Forgets every order and cancels their timers (`DELETE /sandbox/ledger`). */
  reset(): void {
    this.cancelTimers();
    this.options.ledger.reset();
  }

  close(): void {
    this.cancelTimers();
  }

  private succeed(attempt: Attempt): void {
    const order = attempt.order;
    if (order.succeeded) {
      // Unreachable while the policy above holds; refusing here keeps the second charge impossible.
      this.finish(attempt, "failed", resultCodes.duplicateOrder);
      return;
    }
    this.options.ledger.recordCharge(attempt);
    this.options.metrics.charges.inc();
    this.finish(attempt, "succeeded", resultCodes.approved);
    for (const other of order.attempts) {
      if (other !== attempt && isOpen(other)) this.finish(other, "failed", resultCodes.duplicateOrder);
    }
  }

  /** Moves an attempt to a final state and sends its notice. */
  private finish(attempt: Attempt, status: AttemptStatus, result: ResultCode): void {
    const before = attemptFields(attempt);
    this.cancelTimer(attempt);
    attempt.status = status;
    attempt.result = result;
    attempt.updatedAt = this.options.now();
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
