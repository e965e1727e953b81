import { describe, expect, it } from "vitest";
import { amountToCents, centsToAmount, isCurrency, isNoticeUrl, isOrderNumber, methodOfPaymentCode } from "./field-rules.js";

describe("methodOfPaymentCode", () => {
  it.each([
    ["100000000000000000", "WeChatPay_Offline"],
    ["159999999999999999", "WeChatPay_Offline"],
    ["160000000000000000", undefined], // 16 is no wallet's prefix
    ["13456789012345678", undefined], // 17 digits
    ["2500000000000000", "Alipay_Offline"], // 16 digits
    ["300000000000000000000000", "Alipay_Offline"], // 24 digits
    ["3000000000000000000000000", undefined], // 25 digits
    ["3100000000000000", undefined],
    ["24000000000000000", undefined],
    ["13456789012345678x", undefined],
  ])("%s → %s", (code, method) => {
    expect(methodOfPaymentCode(code)).toBe(method);
  });
});

describe("amountToCents", () => {
  it.each([
    ["12.50", 1250],
    ["0.01", 1],
    ["7", 700],
    ["7.5", 750],
    ["0", undefined],
    ["0.00", undefined],
    ["1.005", undefined],
    ["-1", undefined],
    ["01.00", undefined],
    ["1e3", undefined],
    [" 1", undefined],
  ])("%s → %s", (amount, cents) => {
    expect(amountToCents(amount)).toBe(cents);
  });

  it("formats minor units back", () => {
    expect(centsToAmount(1205)).toBe("12.05");
  });
});

describe("other rules", () => {
  it("order numbers are 1–50 of A-Z a-z 0-9 _ -", () => {
    expect(isOrderNumber("NO_123-4")).toBe(true);
    expect(isOrderNumber("N".repeat(50))).toBe(true);
    expect(isOrderNumber("N".repeat(51))).toBe(false);
    expect(isOrderNumber("")).toBe(false);
    expect(isOrderNumber("A,B")).toBe(false);
  });

  it("currencies are ISO 4217 codes", () => {
    expect(isCurrency("USD")).toBe(true);
    expect(isCurrency("CNY")).toBe(true);
    expect(isCurrency("usd")).toBe(false);
    expect(isCurrency("ABC")).toBe(false);
  });

  it("notice URLs are empty or http(s) up to 500 characters", () => {
    expect(isNoticeUrl("")).toBe(true);
    expect(isNoticeUrl("https://pos.example/notice")).toBe(true);
    expect(isNoticeUrl("ftp://pos.example/notice")).toBe(false);
    expect(isNoticeUrl(`https://e.x/${"a".repeat(490)}`)).toBe(false);
  });
});
