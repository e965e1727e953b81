import { type OfflineMethod, amountToCents, centsToAmount } from "./field-rules.js";
import type { PayMode } from "./pay-request.js";
import type { ResultCode } from "./result-codes.js";

export type AttemptStatus = "awaiting_customer" | "pending" | "succeeded" | "failed" | "voided";
export type RefundStatus = "pending" | "succeeded" | "failed";
/** `refund_type` as filed: both are accepted and neither changes what is refunded (refund_amount does). */
export type RefundType = "1" | "2";

/** One try at paying an order: what Oceanpayment calls a `payment_id`. */
export interface Attempt {
  readonly paymentId: string;
  readonly order: Order;
  readonly mode: PayMode;
  readonly method: OfflineMethod;
  readonly currency: string;
  readonly amount: string;
  readonly notes: string;
  readonly noticeUrl: string;
  /** customer_scan only: the QR content the POS shows (a bare 28-digit string). */
  readonly barCode: string;
  readonly createdAt: number;
  status: AttemptStatus;
  /** Undefined while the attempt is open: a pending document has an empty payment_details. */
  result: ResultCode | undefined;
  updatedAt: number;
  /** Refunds filed against this attempt, oldest first (only a succeeded attempt has any). */
  readonly refunds: Refund[];
}

/** One applyRefund the gateway filed: what Oceanpayment calls a `refund_id` (push_id in notices). */
export interface Refund {
  readonly refundId: string;
  /** The merchant's unsigned refund_number; `""` when the request carried none. */
  readonly refundNumber: string;
  readonly attempt: Attempt;
  readonly type: RefundType;
  /** Hundredths of the attempt's currency. */
  readonly cents: number;
  readonly description: string;
  readonly createdAt: number;
  status: RefundStatus;
  /** Undefined while pending; `code:text` of push_details and refund_details once final. */
  result: ResultCode | undefined;
  /** Matured while the balance was insufficient: waits for `POST /sandbox/balance {"sufficient": true}`. */
  held: boolean;
  updatedAt: number;
}

/** Every attempt at one order_number of one account+terminal, and the charges granted for it. */
export interface Order {
  readonly account: string;
  readonly terminal: string;
  readonly orderNumber: string;
  /** Oldest first. */
  readonly attempts: Attempt[];
  /** Successful charges granted, responses withheld by faults included. Never clamped. */
  charges: number;
  /** The attempt that took the charge, once one did. */
  succeeded: Attempt | undefined;
}

/** One refund as `GET /sandbox/ledger` shows it. */
export interface LedgerRefund {
  refundId: string;
  refundNumber: string;
  paymentId: string;
  refundType: RefundType;
  /** Decimal string with the currency's decimals. */
  amount: string;
  status: RefundStatus;
  held: boolean;
}

/** `GET /sandbox/ledger` entry. */
export interface LedgerEntry {
  orderNumber: string;
  account: string;
  terminal: string;
  charges: number;
  /** `succeeded` once any attempt succeeded, else the newest attempt's status. */
  status: AttemptStatus;
  /** Oldest first. */
  paymentIds: string[];
  /** Currency of the charge (else of the newest attempt); `""` for an order without attempts. */
  currency: string;
  /** Sum of the succeeded attempts' amounts: what was taken from the customer. */
  charged: string;
  /** Sum of the succeeded refunds: never more than `charged`. */
  refunded: string;
  /** Sum of the refunds still pending (they count against what is left to refund). */
  refundPending: string;
  /** Oldest first. */
  refunds: LedgerRefund[];
}

/**
 * The sandbox's whole memory: orders by scope, by order number (the ledger routes take only the
 * number) and attempts by payment_id (refunds), so no request scans anything.
 */
export class Ledger {
  private readonly orders = new Map<string, Order>();
  private readonly byOrderNumber = new Map<string, Order[]>();
  private readonly byPaymentId = new Map<string, Attempt>();
  private readonly byRefundId = new Map<string, Refund>();
  /** Every attempt that took a charge, in the order the charges were granted (QueryOrdersList). */
  private readonly chargedAttempts: Attempt[] = [];
  private chargeVersion = 0;

  /** The order of this scope, created empty when `create` is set. */
  order(account: string, terminal: string, orderNumber: string, create: true): Order;
  order(account: string, terminal: string, orderNumber: string, create?: false): Order | undefined;
  order(account: string, terminal: string, orderNumber: string, create = false): Order | undefined {
    const key = `${account}\u0000${terminal}\u0000${orderNumber}`;
    let order = this.orders.get(key);
    if (!order && create) {
      order = { account, terminal, orderNumber, attempts: [], charges: 0, succeeded: undefined };
      this.orders.set(key, order);
      const same = this.byOrderNumber.get(orderNumber);
      if (same) same.push(order);
      else this.byOrderNumber.set(orderNumber, [order]);
    }
    return order;
  }

  addAttempt(attempt: Attempt): void {
    attempt.order.attempts.push(attempt);
    this.byPaymentId.set(attempt.paymentId, attempt);
  }

  /**
   * Records a successful charge. The counter is the proof of exactly-once charging: it is only
   * ever incremented, so a bug that granted two would show as 2, never be hidden.
   */
  recordCharge(attempt: Attempt): void {
    attempt.order.charges += 1;
    attempt.order.succeeded ??= attempt;
    this.chargedAttempts.push(attempt);
    this.chargeVersion += 1;
  }

  attempt(paymentId: string): Attempt | undefined {
    return this.byPaymentId.get(paymentId);
  }

  addRefund(refund: Refund): void {
    refund.attempt.refunds.push(refund);
    this.byRefundId.set(refund.refundId, refund);
  }

  refund(refundId: string): Refund | undefined {
    return this.byRefundId.get(refundId);
  }

  /** Every charged attempt, and a number that changes whenever that list does (a cache key). */
  charged(): { attempts: readonly Attempt[]; version: number } {
    return { attempts: this.chargedAttempts, version: this.chargeVersion };
  }

  /** Every scope (account+terminal) that has this order number. */
  ordersNumbered(orderNumber: string): readonly Order[] {
    return this.byOrderNumber.get(orderNumber) ?? [];
  }

  entries(): LedgerEntry[] {
    return [...this.orders.values()].map(entryOf);
  }

  reset(): void {
    this.orders.clear();
    this.byOrderNumber.clear();
    this.byPaymentId.clear();
    this.byRefundId.clear();
    this.chargedAttempts.length = 0;
    this.chargeVersion += 1;
  }
}

/** Hundredths of an attempt's refunds in these statuses. */
export function refundCents(attempt: Attempt, statuses: readonly RefundStatus[]): number {
  return attempt.refunds.reduce((sum, r) => (statuses.includes(r.status) ? sum + r.cents : sum), 0);
}

export function entryOf(order: Order): LedgerEntry {
  const newest = order.attempts[order.attempts.length - 1];
  const currency = (order.succeeded ?? newest)?.currency ?? "";
  const charged = order.attempts.filter((a) => a.status === "succeeded");
  const sum = (cents: (a: Attempt) => number) => charged.reduce((total, a) => total + cents(a), 0);
  const amount = (cents: number) => (currency === "" ? String(cents) : centsToAmount(cents, currency));
  return {
    orderNumber: order.orderNumber,
    account: order.account,
    terminal: order.terminal,
    charges: order.charges,
    status: order.succeeded ? "succeeded" : (newest?.status ?? "failed"),
    paymentIds: order.attempts.map((a) => a.paymentId),
    currency,
    charged: amount(sum((a) => amountToCents(a.amount) ?? 0)),
    refunded: amount(sum((a) => refundCents(a, ["succeeded"]))),
    refundPending: amount(sum((a) => refundCents(a, ["pending"]))),
    refunds: charged.flatMap((a) =>
      a.refunds.map((r) => ({
        refundId: r.refundId,
        refundNumber: r.refundNumber,
        paymentId: a.paymentId,
        refundType: r.type,
        amount: centsToAmount(r.cents, a.currency),
        status: r.status,
        held: r.held,
      })),
    ),
  };
}
