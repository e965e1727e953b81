import { describe, expect, it } from "vitest";
import { currencyDigits, formatAmount } from "./currency-amount.js";

describe("amounts with their currency's decimals", () => {
  it("knows the decimals of a currency", () => {
    expect([currencyDigits("USD"), currencyDigits("CNY"), currencyDigits("JPY"), currencyDigits("KWD"), currencyDigits("XXQ")]).toEqual([2, 2, 0, 3, 2]);
  });

  it("pads, never drops a digit, never goes through a float", () => {
    expect(formatAmount("12.5", "USD")).toBe("12.50");
    expect(formatAmount("12.50", "USD")).toBe("12.50");
    expect(formatAmount("0", "USD")).toBe("0.00");
    expect(formatAmount("-3.1", "USD")).toBe("-3.10");
    expect(formatAmount("1200", "JPY")).toBe("1200");
    expect(formatAmount("1200.00", "JPY")).toBe("1200");
    expect(formatAmount("12.5", "JPY")).toBe("12.5");
    expect(formatAmount("7.1", "KWD")).toBe("7.100");
    expect(formatAmount("12.505", "USD")).toBe("12.505");
    expect(formatAmount("90071992547409931.11", "USD")).toBe("90071992547409931.11");
  });
});
