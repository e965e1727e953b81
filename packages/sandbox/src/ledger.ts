import type { OfflineMethod } from "./field-rules.js";
import type { PayMode } from "./pay-request.js";
import type { ResultCode } from "./result-codes.js";

export type AttemptStatus = "awaiting_customer" | "pending" | "succeeded" | "failed" | "voided";

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
  /** Minor units refunded so far (succeeded attempts only). */
  refundedCents: number;
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
}

/**
 * The sandbox's whole memory: orders by scope, by order number (the ledger routes take only the
 * number) and attempts by payment_id (refunds), so no request scans anything.
 */
export class Ledger {
  private readonly orders = new Map<string, Order>();
  private readonly byOrderNumber = new Map<string, Order[]>();
  private readonly byPaymentId = new Map<string, Attempt>();

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
  }

  attempt(paymentId: string): Attempt | undefined {
    return this.byPaymentId.get(paymentId);
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
  }
}

export function entryOf(order: Order): LedgerEntry {
  const newest = order.attempts[order.attempts.length - 1];
  return {
    orderNumber: order.orderNumber,
    account: order.account,
    terminal: order.terminal,
    charges: order.charges,
    status: order.succeeded ? "succeeded" : (newest?.status ?? "failed"),
    paymentIds: order.attempts.map((a) => a.paymentId),
  };
}
