import type { Payment } from "../../src/payments/index.js";

/**
 * A payment as the intake creates it: `accepted`, version 1, one history entry at `at` (default
 * 2026-01-01T00:00:00.000Z), 1.00 USD of `demo-store` by WeChat Pay, merchant scan; `overrides`
 * change any field.
 */
export function acceptedPayment(orderNumber: string, overrides: Partial<Payment> & { at?: string } = {}): Payment {
  const { at = "2026-01-01T00:00:00.000Z", ...fields } = overrides;
  return {
    orderNumber, storeId: "demo-store", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "1.00", currency: "USD",
    status: "accepted", version: 1, createdAt: at, updatedAt: at, history: [{ status: "accepted", at, source: "intake" }],
    ...fields,
  };
}
