import type { Payment } from "@oceanpos/core/payments";
import type { Refund, RefundRequest } from "@oceanpos/core/refunds";

/** The resource of a newly accepted refund: in the payment's currency, for the payment's store. */
export function buildRefund(payment: Payment, request: RefundRequest, now: Date): Refund {
  const at = now.toISOString();
  return {
    refundNumber: request.refundNumber,
    orderNumber: payment.orderNumber,
    storeId: payment.storeId,
    amount: request.amount,
    currency: payment.currency,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    status: "accepted",
    version: 1,
    createdAt: at,
    updatedAt: at,
    history: [{ status: "accepted", at, source: "intake" }],
  };
}

/** Where the refund lives (the `Location` header). */
export function refundLocation(orderNumber: string, refundNumber: string): string {
  return `/v1/payments/${encodeURIComponent(orderNumber)}/refunds/${encodeURIComponent(refundNumber)}`;
}
