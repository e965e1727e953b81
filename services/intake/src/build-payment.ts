import { type Payment, type PaymentRequest, methodOf } from "@oceanpos/core/payments";
import type { Store } from "@oceanpos/core/stores";

/**
 * The resource of a newly accepted payment. The wallet payment code (`authCode`) is not part of
 * it: it travels to the payment's Redis hash only, never to the resource, events or logs.
 */
export function buildPayment(store: Store, request: PaymentRequest, now: Date): Payment {
  const at = now.toISOString();
  const payment: Payment = {
    orderNumber: request.orderNumber,
    storeId: store.id,
    mode: request.mode,
    method: methodOf(request),
    amount: request.amount,
    currency: request.currency,
    status: "accepted",
    version: 1,
    createdAt: at,
    updatedAt: at,
    history: [{ status: "accepted", at, source: "intake" }],
  };
  if (request.notes !== undefined) payment.notes = request.notes;
  if (request.customer !== undefined) payment.customer = request.customer;
  if (request.items !== undefined) payment.items = request.items;
  return payment;
}

/** Where the resource lives (the `Location` header). */
export function paymentLocation(orderNumber: string): string {
  return `/v1/payments/${encodeURIComponent(orderNumber)}`;
}
