import { describe, expect, it } from "vitest";
import { currencyDigits, formatAmount, sumAmounts } from "./decimal-amounts.js";

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

  it("sums exactly through integers", () => {
    expect(sumAmounts(Array.from({ length: 10 }, () => "0.1"))).toBe("1.0");
    expect(sumAmounts(["12.5", "0.75", "3"])).toBe("16.25");
    expect(sumAmounts(["0.01", "0.02"])).toBe("0.03");
    expect(sumAmounts(["1200", "800"])).toBe("2000");
    expect(sumAmounts(["90071992547409931.11", "0.89"])).toBe("90071992547409932.00");
    expect(sumAmounts([])).toBe("0");
  });
});
