import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign, signingString, verify } from "./signature.js";

// Vectors from shared/oceanpayment.md (sandbox secureCode 12345678, account 995149, terminal 99514901).
const credentials = { account: "995149", terminal: "99514901" };

describe("Oceanpayment signatures", () => {
  it("reproduces the published card-binding example", () => {
    // The card-binding message is not one we send; its published hash proves the concatenation rule.
    const joined = "995149" + "99514901" + "123456" + "http://127.0.0.1/result.php" + "test" + "test" + "test@test.com" + "12345678";
    expect(createHash("sha256").update(joined).digest("hex")).toBe(
      "e7cb35166f9066d2844c29a11ca43f4dd25a3e0f9d145579363a5a0124a901d1",
    );
  });

  it("signs the documented pay request sample", () => {
    const fields = {
      ...credentials,
      order_number: "NO12345678",
      order_currency: "USD",
      order_amount: "0.01",
      billing_firstName: "test",
      billing_lastName: "test",
      billing_email: "test@gmail.com",
    };
    expect(sign("payRequest", fields, "12345678")).toBe(
      "1207df556240d2c70c63f89d978a5dbfcaa3c9780c8c6bd36779bf526ca10342",
    );
  });

  it("signs an empty field as an empty string", () => {
    expect(signingString("queryRequest", { account: "995149" }, "x")).toBe("995149x");
  });

  it("verifies case-insensitively and refuses a wrong or malformed value", () => {
    const fields = { ...credentials, order_number: "NO1" };
    const good = sign("queryRequest", fields, "12345678");
    expect(verify("queryRequest", fields, "12345678", good)).toBe(true);
    expect(verify("queryRequest", fields, "12345678", good.toUpperCase())).toBe(true);
    expect(verify("queryRequest", fields, "wrong", good)).toBe(false);
    expect(verify("queryRequest", fields, "12345678", good.slice(0, 63))).toBe(false);
    expect(verify("queryRequest", fields, "12345678", undefined)).toBe(false);
    expect(verify("queryRequest", fields, "12345678", `${good.slice(0, 63)}z`)).toBe(false);
  });
});
