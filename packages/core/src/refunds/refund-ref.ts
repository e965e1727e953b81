import type { PaymentRef } from "../payments/payment-ref.js";

/** Where a refund lives: under its payment (account + order number), by its refund number. */
export interface RefundRef extends PaymentRef {
  refundNumber: string;
}

/**
 * The one codec of `account:orderNumber:refundNumber`, the member that names a refund in the
 * refund feed, the `accepted` index, the refund schedule and the contradictions index (the Lua
 * scripts receive it from here, never build it). None of the three holds a colon (an account is
 * digits, the numbers are `[A-Za-z0-9_-]`), so the colons split it.
 */
export function refundMember(ref: RefundRef): string {
  return `${ref.account}:${ref.orderNumber}:${ref.refundNumber}`;
}

/** The refund a member names, or undefined for what {@link refundMember} never writes. */
export function parseRefundMember(member: string): RefundRef | undefined {
  const parts = member.split(":");
  if (parts.length !== 3 || parts.some((part) => part === "")) return undefined;
  const [account, orderNumber, refundNumber] = parts as [string, string, string];
  return { account, orderNumber, refundNumber };
}

/** The payment a refund belongs to. */
export function paymentRefOf(ref: RefundRef): PaymentRef {
  return { account: ref.account, orderNumber: ref.orderNumber };
}
