import type { Redis } from "ioredis";
import { type Payment, type PaymentRef, type PaymentStore, type StreamEvent, eventFromStreamEntry } from "../../src/payments/index.js";
import type { NewRefund, Refund, RefundEvent, RefundRef } from "../../src/refunds/index.js";
import { acceptedPayment } from "../payments/payment-fixtures.js";

export const account = "995149";
const at = "2026-01-01T00:00:00.000Z";

/** A payment of `amount` in `currency`, taken to `status` through the store (accepted → submitting → status). */
export async function paymentIn(
  store: PaymentStore,
  orderNumber: string,
  options: { amount?: string; currency?: string; status?: Payment["status"]; storeId?: string } = {},
): Promise<PaymentRef> {
  const ref = { account, orderNumber };
  const payment = acceptedPayment(orderNumber, { storeId: options.storeId ?? "store-a", amount: options.amount ?? "10.00", currency: options.currency ?? "USD" });
  await store.create({ ...ref, payment, requestHash: "h" });
  const status = options.status ?? "succeeded";
  if (status !== "accepted") await store.transition(ref, { to: "submitting", source: "payer" });
  if (status !== "accepted" && status !== "submitting") await store.transition(ref, { to: status, source: "payer", set: { paymentId: "240506101548268260914" } });
  return ref;
}

/** A new refund of `amount` on the payment, as the intake builds it. */
export function newRefund(payment: PaymentRef, refundNumber: string, amount: string, options: { currency?: string; storeId?: string; hash?: string } = {}): NewRefund {
  const refund: Refund = {
    refundNumber, orderNumber: payment.orderNumber, storeId: options.storeId ?? "store-a", amount,
    currency: options.currency ?? "USD", status: "accepted", version: 1, createdAt: at, updatedAt: at,
    history: [{ status: "accepted", at, source: "intake" }],
  };
  return { ...payment, refundNumber, refund, requestHash: options.hash ?? `h-${amount}` };
}

export function refundRef(payment: PaymentRef, refundNumber: string): RefundRef {
  return { ...payment, refundNumber };
}

/** The payment hash's refund totals as the scripts keep them (minor units). */
export async function totals(redis: Redis, key: string): Promise<{ refunded: string | null; held: string | null; open: string | null }> {
  const [refunded = null, held = null, open = null] = await redis.hmget(key, "refunded", "refundHeld", "refundsOpen");
  return { refunded, held, open };
}

/** Every event of the stream, oldest first. */
export async function streamEvents(redis: Redis, eventsKey: string): Promise<StreamEvent[]> {
  return (await redis.xrange(eventsKey, "-", "+")).map(([id, fields]) => eventFromStreamEntry(id, fields) as StreamEvent);
}

/** The refund events of the stream, oldest first. */
export async function refundEvents(redis: Redis, eventsKey: string): Promise<RefundEvent[]> {
  return (await streamEvents(redis, eventsKey)).filter((e): e is RefundEvent => e.type.startsWith("refund."));
}
