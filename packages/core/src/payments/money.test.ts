import { describe, expect, it } from "vitest";
import {
  canonicalAmount,
  currencyAmountProblem,
  currencyDecimals,
  formatCurrencyMinor,
  isDecimalAmount,
  isPositiveAmount,
  sameAmount,
  toCurrencyMinor,
} from "./money.js";

describe("decimal amounts", () => {
  it.each(["0.01", "12.5", "12.50", "100", "0"])("accepts %s", (value) => {
    expect(isDecimalAmount(value)).toBe(true);
  });

  it.each(["", "01", "1.234", "-1", "1e2", " 1", "1.", ".5", "1,00", "NaN"])("refuses %j", (value) => {
    expect(isDecimalAmount(value)).toBe(false);
  });

  it("refuses zero as an order amount", () => {
    expect(isPositiveAmount("0")).toBe(false);
    expect(isPositiveAmount("0.00")).toBe(false);
    expect(isPositiveAmount("0.01")).toBe(true);
  });

  it("compares textually", () => {
    expect(canonicalAmount("012.50")).toBe("12.5");
    expect(canonicalAmount("0.00")).toBe("0");
    expect(sameAmount("12.5", "12.50")).toBe(true);
    expect(sameAmount("0.01", "0.010")).toBe(true);
    expect(sameAmount("0.01", "0.02")).toBe(false);
    expect(sameAmount("1e-2", "0.01")).toBe(false);
    // A float would call these equal; the text comparison must not.
    expect(sameAmount("9007199254740993.01", "9007199254740992.01")).toBe(false);
  });
});

describe("decimals per currency", () => {
  // ISO 4217 minor units, capped at Oceanpayment's 2.
  it.each([
    ["JPY", 0],
    ["KRW", 0],
    ["USD", 2],
    ["CNY", 2],
    ["EUR", 2],
    ["KWD", 2],
    ["BHD", 2],
    ["OMR", 2],
  ])("%s takes %i decimals", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });

  it("knows nothing of malformed codes", () => {
    expect(currencyDecimals("usd")).toBeUndefined();
    expect(currencyDecimals("US")).toBeUndefined();
    expect(currencyAmountProblem("12.50", "usd")).toBeUndefined();
  });

  it("refuses decimals a currency does not have, as written", () => {
    expect(currencyAmountProblem("12.50", "JPY")).toBe("JPY amounts are whole numbers");
    expect(currencyAmountProblem("12.0", "KRW")).toBe("KRW amounts are whole numbers");
    expect(currencyAmountProblem("1250", "JPY")).toBeUndefined();
    expect(currencyAmountProblem("12.50", "USD")).toBeUndefined();
    expect(currencyAmountProblem("1.23", "KWD")).toBeUndefined();
    expect(currencyAmountProblem("1.234", "KWD")).toBe("KWD amounts take at most 2 decimals");
  });
});

describe("minor units of a currency", () => {
  it("reads amounts in the currency's own minor units", () => {
    expect(toCurrencyMinor("12.5", "USD")).toBe(1250n);
    expect(toCurrencyMinor("12.50", "USD")).toBe(1250n);
    expect(toCurrencyMinor("0.01", "USD")).toBe(1n);
    expect(toCurrencyMinor("500", "JPY")).toBe(500n);
    expect(toCurrencyMinor("999999999999.99", "USD")).toBe(99999999999999n);
  });

  it("refuses more decimals than the currency has, and what is not a plain decimal", () => {
    expect(toCurrencyMinor("5.5", "JPY")).toBeUndefined();
    expect(toCurrencyMinor("1.001", "USD")).toBeUndefined();
    expect(toCurrencyMinor("-1", "USD")).toBeUndefined();
    expect(toCurrencyMinor("1e2", "USD")).toBeUndefined();
    expect(toCurrencyMinor("1", "usd")).toBeUndefined();
  });

  it("writes minor units with the currency's decimals, never below zero", () => {
    expect(formatCurrencyMinor(1250n, "USD")).toBe("12.50");
    expect(formatCurrencyMinor(5n, "USD")).toBe("0.05");
    expect(formatCurrencyMinor(0n, "USD")).toBe("0.00");
    expect(formatCurrencyMinor(0n, "JPY")).toBe("0");
    expect(formatCurrencyMinor(1200n, "JPY")).toBe("1200");
    expect(formatCurrencyMinor(-3n, "USD")).toBe("0.00");
  });
});
