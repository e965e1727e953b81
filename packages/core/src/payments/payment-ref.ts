/** Where a payment lives: the gateway's order numbers are unique per Oceanpayment account. */
export interface PaymentRef {
  account: string;
  orderNumber: string;
}

/**
 * The one codec of `account:orderNumber`, the member that names a payment in the `accepted`
 * index, the contradictions index, the reconciliation schedule and the submit feed (the Lua
 * scripts receive it from here, never build it). An account never holds a colon, an order number
 * may not either (`[A-Za-z0-9_-]`), so the first colon splits it.
 */
export function refMember(ref: PaymentRef): string {
  return `${ref.account}:${ref.orderNumber}`;
}

/** The payment a member names, or undefined for what {@link refMember} never writes (no colon, an empty side). */
export function parseRefMember(member: string): PaymentRef | undefined {
  const i = member.indexOf(":");
  if (i <= 0 || i === member.length - 1) return undefined;
  return { account: member.slice(0, i), orderNumber: member.slice(i + 1) };
}
