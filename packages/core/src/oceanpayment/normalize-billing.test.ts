import { describe, expect, it } from "vitest";
import { normalizeBilling, normalizeBillingText } from "./normalize-billing.js";

describe("normalizeBillingText", () => {
  it("strips quotes and angle brackets, then trims", () => {
    expect(normalizeBillingText(`  "Jo<hn>' `)).toBe("John");
  });

  it("cuts a 60-character value to 50", () => {
    const long = "abcdefghij".repeat(6);
    expect(normalizeBillingText(long)).toBe(long.slice(0, 50));
    expect(normalizeBillingText(long)).toHaveLength(50);
  });

  it("counts characters, not UTF-16 units, and never splits a surrogate pair", () => {
    const value = "😀".repeat(60);
    const out = normalizeBillingText(value);
    expect(Array.from(out)).toHaveLength(50);
    expect(out).toBe("😀".repeat(50));
  });

  it("trims again when the cut ends on a space", () => {
    expect(normalizeBillingText(`${"a".repeat(49)} b`)).toBe("a".repeat(49));
  });

  it("keeps other characters (accents, @, dots) untouched", () => {
    expect(normalizeBillingText(" Zoë.O-Brien@example.com ")).toBe("Zoë.O-Brien@example.com");
  });
});

describe("normalizeBilling", () => {
  it("normalises the signed fields and defaults optional ones to empty strings", () => {
    expect(normalizeBilling({ firstName: " <b>Ann ", lastName: "'Lee'", email: ' "a@b.c" ' })).toEqual({
      firstName: "bAnn",
      lastName: "Lee",
      email: "a@b.c",
      phone: "",
      country: "",
      state: "",
      city: "",
      address: "",
      zip: "",
      ip: "",
    });
  });
});
