import { describe, expect, it } from "vitest";
import { PaymentRequest, isValidAmount, methodOf, requestFingerprint, sameAmount, walletOfAuthCode } from "./index.js";

describe("amounts", () => {
  it("accepts decimal strings with at most two decimals, greater than zero", () => {
    for (const ok of ["12.50", "12.5", "0.01", "7", "100000"]) expect(isValidAmount(ok), ok).toBe(true);
    for (const bad of ["0", "0.00", "12.505", "1e2", "012", "-1", ".5", "12.", " 1", "1,00", ""]) {
      expect(isValidAmount(bad), bad).toBe(false);
    }
    expect(sameAmount("12.5", "12.50")).toBe(true);
    expect(sameAmount("12.5", "12.51")).toBe(false);
  });
});

describe("wallet inference", () => {
  it("recognises WeChat and Alipay payment codes", () => {
    expect(walletOfAuthCode("134567890123456789")).toBe("WeChatPay_Offline");
    expect(walletOfAuthCode("284567890123456789")).toBe("Alipay_Offline");
    expect(walletOfAuthCode("3012345678901234")).toBe("Alipay_Offline");
    expect(walletOfAuthCode("164567890123456789")).toBeUndefined();
    expect(walletOfAuthCode("13456789012345678")).toBeUndefined();
  });
});

describe("PaymentRequest", () => {
  const base = { orderNumber: "NO1", amount: "12.50", currency: "USD" };

  it("infers the method of a merchant scan", () => {
    const parsed = PaymentRequest.parse({ ...base, mode: "merchant_scan", authCode: "284567890123456789" });
    expect(methodOf(parsed)).toBe("Alipay_Offline");
  });

  it("lists every failing field", () => {
    const result = PaymentRequest.safeParse({ orderNumber: "bad order!", amount: 12.5, currency: "usd", mode: "merchant_scan", tip: "1" });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["orderNumber", "amount", "currency", ""]));
  });

  it("requires a method and no authCode for customer scans", () => {
    const result = PaymentRequest.safeParse({ ...base, mode: "customer_scan", authCode: "134567890123456789" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["authCode", "method"]);
  });

  it("refuses a method that contradicts the payment code", () => {
    const result = PaymentRequest.safeParse({ ...base, mode: "merchant_scan", authCode: "134567890123456789", method: "Alipay_Offline" });
    expect(result.error?.issues[0]?.path).toEqual(["method"]);
  });

  it("refuses decimals the currency does not have, naming the amount and each item price", () => {
    const items = [
      { name: "Tea", price: "300", quantity: 1 },
      { name: "Cake", price: "12.50", quantity: 1 },
    ];
    const jpy = PaymentRequest.safeParse({ ...base, currency: "JPY", mode: "customer_scan", method: "WeChatPay_Offline", items });
    expect(jpy.error?.issues.map((i) => ({ path: i.path.join("."), message: i.message }))).toEqual([
      { path: "amount", message: "JPY amounts are whole numbers" },
      { path: "items.1.price", message: "JPY amounts are whole numbers" },
    ]);
    const whole = { ...base, amount: "1250", currency: "KRW", mode: "customer_scan", method: "WeChatPay_Offline" };
    expect(PaymentRequest.safeParse(whole).success).toBe(true);
    // Three decimals are refused by the amount's own format, whatever the currency: one issue.
    const kwd = PaymentRequest.safeParse({ ...base, amount: "1.235", currency: "KWD", mode: "customer_scan", method: "WeChatPay_Offline" });
    expect(kwd.error?.issues.map((i) => i.path.join("."))).toEqual(["amount"]);
    expect(PaymentRequest.safeParse({ ...base, amount: "1.23", currency: "KWD", mode: "customer_scan", method: "WeChatPay_Offline" }).success).toBe(true);
  });

  it("fingerprints bodies regardless of key order", () => {
    expect(requestFingerprint({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(requestFingerprint({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(requestFingerprint({ a: [1, 2] })).not.toBe(requestFingerprint({ a: [2, 1] }));
  });
});
