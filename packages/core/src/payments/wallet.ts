export const paymentMethods = ["WeChatPay_Offline", "Alipay_Offline"] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/**
 * The wallet a scanned payment code belongs to (docs/oceanpayment-wire.md): WeChat codes are 18
 * digits starting 10–15; Alipay codes are 16–24 digits starting 25–30. Undefined otherwise.
 */
export function walletOfAuthCode(code: string): PaymentMethod | undefined {
  if (/^1[0-5][0-9]{16}$/.test(code)) return "WeChatPay_Offline";
  if (/^(2[5-9]|30)[0-9]{14,22}$/.test(code)) return "Alipay_Offline";
  return undefined;
}
