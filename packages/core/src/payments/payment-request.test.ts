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

  it("fingerprints bodies regardless of key order", () => {
    expect(requestFingerprint({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(requestFingerprint({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(requestFingerprint({ a: [1, 2] })).not.toBe(requestFingerprint({ a: [2, 1] }));
  });
});
