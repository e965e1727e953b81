import type { Logger } from "@oceanpos/core/logger";
import { type CredentialsLookup, amountRule, amountToCents } from "./field-rules.js";
import { type Ledger, type Refund, type RefundStatus, type RefundType, refundCents } from "./ledger.js";
import type { NoticeDispatcher, OutgoingNotice } from "./notice-dispatcher.js";
import { type PaymentIds, formatDateTime } from "./payment-ids.js";
import { attemptFields, renderPaymentResult } from "./payment-result.js";
import { renderRefundNotice } from "./refund-notice.js";
import { type ResultCode, resultCodes } from "./result-codes.js";
import type { SandboxMetrics } from "./sandbox-metrics.js";

export interface RefundEngineOptions {
  ledger: Ledger;
  notices: NoticeDispatcher;
  credentials: CredentialsLookup;
  /** Shared with the payments: a refund_id never equals a payment_id. */
  ids: PaymentIds;
  /** A filed refund is paid out this long after filing, or after the balance came back. */
  refundMs: number;
  now: () => number;
  logger: Logger;
  metrics: SandboxMetrics;
}

/** A signed, well-formed applyRefund (formats checked by the route). */
export interface RefundApplication {
  account: string;
  terminal: string;
  paymentId: string;
  refundNumber: string;
  type: RefundType;
  amount: string;
  description: string;
}

export type RefundFiling = { ok: true; refund: Refund } | { ok: false; result: ResultCode };
export type RefundFailOutcome = "not_found" | "final" | Refund;

/**
 * Oceanpayment's refunds, compressed in time. applyRefund only files a refund (`pending`); it is
 * paid out `refundMs` later (`succeeded`, notice sent) if the merchant balance is sufficient then.
 * When it is not, the refund is *held* (still `pending`, no notice: Oceanpayment retries for up to
 * 30 days) until the balance is set back, and is then paid out `refundMs` later; or it is failed
 * by hand (`fail`, Oceanpayment's failure after 30 days), which frees its amount.
 *
 * What is left to refund is the charge minus every refund that is not failed: filing is one
 * synchronous step (check and record together), so concurrent applications can never exceed it.
 * The gateway has no idempotency key: the same refund_number filed twice is two refunds.
 */
export class RefundEngine {
  private readonly timers = new Map<Refund, NodeJS.Timeout>();
  private readonly held = new Set<Refund>();
  private sufficient = true;

  constructor(private readonly options: RefundEngineOptions) {}

  apply(application: RefundApplication): RefundFiling {
    const { ledger, now } = this.options;
    const attempt = ledger.attempt(application.paymentId);
    if (!attempt || attempt.order.account !== application.account || attempt.order.terminal !== application.terminal) {
      return { ok: false, result: resultCodes.unknownPaymentId };
    }
    const cents = amountToCents(application.amount);
    // Decimals the payment's currency does not have (JPY 0.50) are a malformed refund, not a large one.
    if (cents === undefined || amountRule(application.amount, attempt.currency) !== undefined) {
      return { ok: false, result: resultCodes.invalidRefund };
    }
    const charged = attempt.status === "succeeded" ? (amountToCents(attempt.amount) ?? 0) : 0;
    if (refundCents(attempt, ["pending", "succeeded"]) + cents > charged) return { ok: false, result: resultCodes.refundExceedsCapture };
    const at = now();
    const refund: Refund = {
      refundId: this.options.ids.next(at),
      refundNumber: application.refundNumber,
      attempt,
      type: application.type,
      cents,
      description: application.description,
      createdAt: at,
      status: "pending",
      result: undefined,
      held: false,
      updatedAt: at,
    };
    ledger.addRefund(refund);
    this.options.metrics.refunds.inc({ event: "filed" });
    this.schedule(refund);
    return { ok: true, refund };
  }

  /** The refund of this id filed on this terminal (another terminal's refund is unknown to it). */
  find(account: string, terminal: string, refundId: string): Refund | undefined {
    const refund = this.options.ledger.refund(refundId);
    const order = refund?.attempt.order;
    return order?.account === account && order.terminal === terminal ? refund : undefined;
  }

  get balance(): { sufficient: boolean; held: number } {
    return { sufficient: this.sufficient, held: this.held.size };
  }

  /** Sets the merchant balance; set back to sufficient, every held refund is paid out `refundMs` later. */
  setBalance(sufficient: boolean): { sufficient: boolean; held: number; released: number } {
    this.sufficient = sufficient;
    const released = sufficient ? [...this.held] : [];
    for (const refund of released) {
      this.held.delete(refund);
      refund.held = false;
      this.schedule(refund);
    }
    return { ...this.balance, released: released.length };
  }

  /** Fails a pending refund (held or not yet paid out) as Oceanpayment does after 30 days without balance. */
  fail(refundId: string): RefundFailOutcome {
    const refund = this.options.ledger.refund(refundId);
    if (!refund) return "not_found";
    if (refund.status !== "pending") return "final";
    this.finish(refund, "failed", resultCodes.refundFailedBalance);
    return refund;
  }

  /** Cancels every timer and forgets held refunds (`DELETE /sandbox/ledger`); the balance stays as set. */
  reset(): void {
    this.close();
    this.held.clear();
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(refund: Refund): void {
    const timer = setTimeout(() => {
      this.timers.delete(refund);
      if (refund.status !== "pending") return;
      if (this.sufficient) {
        this.finish(refund, "succeeded", resultCodes.approved);
      } else {
        refund.held = true;
        this.held.add(refund);
      }
    }, this.options.refundMs);
    timer.unref();
    this.timers.set(refund, timer);
  }

  private finish(refund: Refund, status: Exclude<RefundStatus, "pending">, result: ResultCode): void {
    const timer = this.timers.get(refund);
    if (timer) clearTimeout(timer);
    this.timers.delete(refund);
    this.held.delete(refund);
    refund.held = false;
    refund.status = status;
    refund.result = result;
    refund.updatedAt = this.options.now();
    this.options.metrics.refunds.inc({ event: status });
    this.options.notices.send(this.notice(refund), this.staleNotice(refund));
  }

  private notice(refund: Refund): OutgoingNotice {
    const secureCode = this.options.credentials(refund.attempt.order.terminal);
    return {
      url: refund.attempt.noticeUrl,
      paymentId: refund.attempt.paymentId,
      render: (corrupt) => renderRefundNotice(refund, { secureCode, corruptSignature: corrupt, pushedAt: formatDateTime(this.options.now()) }),
    };
  }

  /**
   * What `noticeReorder` sends after a refund's notice: older news about the same payment — the
   * notice of the previous refund of it that became final, else the payment's success notice.
   */
  private staleNotice(refund: Refund): OutgoingNotice {
    const { attempt } = refund;
    const previous = attempt.refunds.findLast((r) => r !== refund && r.status !== "pending" && r.updatedAt <= refund.updatedAt);
    if (previous) return this.notice(previous);
    const secureCode = this.options.credentials(attempt.order.terminal);
    return {
      url: attempt.noticeUrl,
      paymentId: attempt.paymentId,
      render: (corrupt) => renderPaymentResult(attemptFields(attempt), { secureCode, corruptSignature: corrupt, pushedAt: formatDateTime(this.options.now()) }),
    };
  }
}
