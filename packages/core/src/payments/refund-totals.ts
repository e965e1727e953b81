import { formatCurrencyMinor, toCurrencyMinor } from "./money.js";
import type { Payment } from "./payment.js";

/**
 * What a payment's refunds keep on the payment's own hash, in integer minor units of its currency:
 * written only by the refund scripts (`refunds/`), in the same atomic step as each refund's
 * creation or change, and read with the payment (`PaymentStore`).
 */
export const paymentRefundFields = {
  /** Sum of its `succeeded` refunds. */
  refunded: "refunded",
  /** Sum of its refunds that are not `failed` (pending ones hold their amount): what the next refund is checked against. */
  held: "refundHeld",
  /** How many of its refunds are not final (retention keeps a payment while one is open). */
  open: "refundsOpen",
  /** Epoch ms of the last change of any of its refunds. */
  changedAt: "refundChangedAt",
} as const;

/**
 * The payment with `refundedAmount` (its succeeded refunds) and `refundableAmount` (what a new
 * refund may still take: the amount less every refund that is not `failed`, and nothing unless
 * the payment `succeeded`), both with the currency's decimals. Every payment the store writes,
 * publishes or reads goes through here, so the resource always carries both.
 */
export function withRefundAmounts(payment: Payment, refundedMinor = 0n, heldMinor = 0n): Payment {
  // Only a succeeded payment's amount is read (every create and transition of the hot path comes here).
  const refundable = payment.status === "succeeded" ? (toCurrencyMinor(payment.amount, payment.currency) ?? 0n) - heldMinor : 0n;
  return {
    ...payment,
    refundedAmount: formatCurrencyMinor(refundedMinor, payment.currency),
    refundableAmount: formatCurrencyMinor(refundable, payment.currency),
  };
}

/** A minor-unit count as Redis holds it (an integer string; absent is zero). */
export function minorOf(value: string | null | undefined): bigint {
  return value ? BigInt(value) : 0n;
}
