import type { OfflineMethod } from "./field-rules.js";

/**
 * Oceanpayment-looking identifiers: `yyMMddHHmmss` + a 9-digit sequence, 21 digits like the
 * documented `240506101548268260914`. The sequence never resets (not even with the ledger), so ids
 * stay unique for the life of the process whatever the clock does.
 */
export class PaymentIds {
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    this.sequence = (this.sequence + 1) % 1_000_000_000;
    return timestamp(this.now()) + String(this.sequence).padStart(9, "0");
  }
}

function timestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-05-06T10:15:48.268Z
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

/** `YYYY-MM-DD HH:mm:ss` (UTC), the query response's `payment_dateTime`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** The QR content of a customer_scan attempt, derived from its payment id so it is unique too. */
export function barCodeFor(method: OfflineMethod, paymentId: string): string {
  const token = BigInt(paymentId).toString(36);
  switch (method) {
    case "WeChatPay_Offline":
      return `weixin://wxpay/bizpayurl?pr=${token}`;
    case "Alipay_Offline":
      return `https://qr.alipay.com/bax0${token}`;
    default: {
      const never: never = method;
      throw new Error(`unknown method ${String(never)}`);
    }
  }
}
