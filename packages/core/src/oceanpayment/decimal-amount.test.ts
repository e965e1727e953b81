import { describe, expect, it } from "vitest";
import { canonicalAmount, isDecimalAmount, isPositiveAmount, sameAmount } from "./decimal-amount.js";

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
