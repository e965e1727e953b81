/** Request bodies the bench sends: valid, unique per run, accepted by the sandbox's scripted outcomes. */

export interface PaymentBody {
  orderNumber: string;
  amount: string;
  currency: string;
  mode: "merchant_scan" | "customer_scan";
  authCode?: string;
  method?: string;
}

/** A WeChat payment code (18 digits, starting 13) ending in `lastDigit` (0–6: approved at once). */
export function wechatCode(seq: number, lastDigit: number): string {
  return `13${String(seq % 1e15).padStart(15, "0")}${lastDigit}`;
}

/** A merchant_scan payment that the sandbox approves at once (code ending 0–6). */
export function merchantScan(orderNumber: string, seq: number): PaymentBody {
  return { orderNumber, amount: "12.50", currency: "USD", mode: "merchant_scan", authCode: wechatCode(seq, seq % 7) };
}

/** A customer_scan payment: the sandbox answers -1 with a QR and waits for the customer. */
export function customerScan(orderNumber: string): PaymentBody {
  return { orderNumber, amount: "8.80", currency: "USD", mode: "customer_scan", method: "WeChatPay_Offline" };
}

/** `B<run>-<phase>-<n>`: unique across phases and runs, within the 1–50 `[A-Za-z0-9_-]` rule. */
export function orderNumberFactory(run: string, phase: string): (n: number) => string {
  return (n) => `B${run}-${phase}-${n}`;
}
