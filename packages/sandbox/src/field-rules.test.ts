import { describe, expect, it } from "vitest";
import { amountRule, amountToCents, centsToAmount, currencyDecimals, currencyRule, methodOfPaymentCode, noticeUrlRule, orderNumberRule } from "./field-rules.js";

const code = (result: { code: string } | undefined) => result?.code;

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
  ])("%s → %s", (paymentCode, method) => {
    expect(methodOfPaymentCode(paymentCode)).toBe(method);
  });
});

describe("currencyDecimals: the platform's ISO 4217 minor units, at most 2", () => {
  it.each([
    ["USD", 2],
    ["CNY", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["KWD", 2],
    ["BHD", 2],
    ["OMR", 2],
  ])("%s → %i", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });
});

describe("amountRule", () => {
  it.each([
    ["12.50", "USD", undefined],
    ["0.01", "USD", undefined],
    ["7", "USD", undefined],
    ["7.5", "USD", undefined],
    ["1234567.89", "USD", undefined], // 10 characters
    ["12345678.90", "USD", "20020"], // 11 characters
    ["", "USD", "20019"],
    ["1.005", "USD", "20020"],
    ["-1", "USD", "20020"],
    ["01.00", "USD", "20020"],
    ["1e3", "USD", "20020"],
    [" 1", "USD", "20020"],
    ["1,00", "USD", "20020"],
    ["0", "USD", "20021"],
    ["0.00", "USD", "20021"],
    ["1200", "JPY", undefined],
    ["1200.00", "JPY", undefined], // a whole number of yen, written with zero decimals
    ["12.50", "JPY", "20021"],
    ["12.5", "KRW", "20021"],
    ["0.01", "JPY", "20021"],
    ["1.23", "KWD", undefined],
    ["1.234", "KWD", "20020"], // Oceanpayment carries at most 2 decimals, whatever ISO 4217 says
    ["1.005", "BHD", "20020"],
  ])("%s %s → %s", (amount, currency, expected) => {
    expect(code(amountRule(amount, currency))).toBe(expected);
  });
});

describe("amountToCents", () => {
  it.each([
    ["12.50", 1250],
    ["0.01", 1],
    ["7", 700],
    ["0.00", undefined],
    ["1.005", undefined],
    ["01.00", undefined],
  ])("%s → %s", (amount, cents) => {
    expect(amountToCents(amount)).toBe(cents);
  });

  it("formats minor units back with the currency's decimals", () => {
    expect(centsToAmount(1205, "USD")).toBe("12.05");
    expect(centsToAmount(0, "USD")).toBe("0.00");
    expect(centsToAmount(120_000, "JPY")).toBe("1200");
    expect(centsToAmount(0, "JPY")).toBe("0");
  });
});

describe("other rules", () => {
  it("order numbers: 1–50 characters, no comma or control character", () => {
    expect(code(orderNumberRule("NO_123-4"))).toBeUndefined();
    expect(code(orderNumberRule("R.1 #2"))).toBeUndefined();
    expect(code(orderNumberRule("N".repeat(50)))).toBeUndefined();
    expect(code(orderNumberRule("中".repeat(50)))).toBeUndefined();
    expect(code(orderNumberRule(""))).toBe("20017");
    expect(code(orderNumberRule(undefined))).toBe("20017");
    expect(code(orderNumberRule("N".repeat(51)))).toBe("20018");
    expect(code(orderNumberRule("A,B"))).toBe("20077");
    expect(code(orderNumberRule("A\nB"))).toBe("20077");
  });

  it("currencies are ISO 4217 codes", () => {
    expect(code(currencyRule("USD"))).toBeUndefined();
    expect(code(currencyRule("CNY"))).toBeUndefined();
    expect(code(currencyRule(""))).toBe("20022");
    expect(code(currencyRule("usd"))).toBe("20023");
    expect(code(currencyRule("ABC"))).toBe("20023");
  });

  it("notice URLs are optional and at most 500 characters", () => {
    expect(code(noticeUrlRule(""))).toBeUndefined();
    expect(code(noticeUrlRule(`https://e.x/${"a".repeat(488)}`))).toBeUndefined();
    expect(code(noticeUrlRule(`https://e.x/${"a".repeat(489)}`))).toBe("20025");
  });
});
