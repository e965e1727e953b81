import { describe, expect, it } from "vitest";
import { billingRule, gatewayBilling } from "./billing-rules.js";

const base = { billing_firstName: "Ada", billing_lastName: "Lovelace", billing_email: "ada@example.com" };
const code = (fields: Record<string, string>) => billingRule(gatewayBilling(fields))?.code;

describe("gatewayBilling", () => {
  it("cleans what the gateway hashes: trimmed, no \" < > '", () => {
    const cleaned = gatewayBilling({ ...base, billing_firstName: ` "A<d>a' `, billing_city: " Paris " });
    expect(cleaned.billing_firstName).toBe("Ada");
    expect(cleaned.billing_city).toBe(" Paris "); // not a signed field: left as sent
  });
});

describe("billingRule", () => {
  it.each([
    ["valid", {}, undefined],
    ["first name empty after cleaning", { billing_firstName: ' "" ' }, "20044"],
    ["first name of 51 characters", { billing_firstName: "a".repeat(51) }, "20045"],
    ["first name of 50 Chinese characters", { billing_firstName: "张".repeat(50) }, undefined],
    ["last name empty", { billing_lastName: "" }, "20046"],
    ["last name of 51", { billing_lastName: "a".repeat(51) }, "20047"],
    ["email empty", { billing_email: "" }, "20048"],
    ["email of 51", { billing_email: `${"a".repeat(39)}@example.com` }, "20049"],
    ["email without @", { billing_email: "ada.example.com" }, "20050"],
    ["phone of 51", { billing_phone: "1".repeat(51) }, "20052"],
    ["country of 101", { billing_country: "U".repeat(101) }, "20054"],
    ["country empty", { billing_country: "" }, undefined],
  ])("%s → %s", (_name, override, expected) => {
    expect(code({ ...base, ...override })).toBe(expected);
  });
});
