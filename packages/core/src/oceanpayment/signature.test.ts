import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign, signingString, verify } from "./signature.js";

// Vectors from docs/oceanpayment-wire.md, "Signature vectors" (sandbox secureCode 12345678, account 995149, terminal 99514901).
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

  describe("vectors of Oceanpayment's Postman collection (account 995378, terminal 99537801)", () => {
    const postman = { account: "995378", terminal: "99537801" };
    const dates = { order_beginDate: "2023-12-25 15:29:42", order_endDate: "2023-12-26 15:29:45" };
    it.each([
      ["queryRequest", { order_number: "ae866" }, "2e27426ca627e4734ca9c43bd18e593c4af1848688486a3c167d39f7f75cf7b2"],
      [
        "refundRequest",
        { payment_id: "231220170723834010513", refund_type: "1", refund_amount: "0.1", refund_description: "ProductDamage", refund_number: "R-not-signed" },
        "c719beb74b87d4f200a1c9c42aa87d3ecdab6b78aa9f2f4f9a126b16cb1d4a91",
      ],
      ["refundQueryRequest", { refund_id: "0" }, "9aa2eb3fbba5ae6cc151f7d7500c77033cd4ca1d6b92a0fb3ed14cb63e02b226"],
      ["voidRequest", { order_number: "231220170723834010513", payment_authType: "3" }, "14b420a0660f292dacb54f7d5c790bb80d9175635e47e32956637f50a39e4bc4"],
      ["queryOrdersList", dates, "3bf8550e7773b414a35ac966e5855d8781c5264224dfdb9418f13ceefb79ebda"],
      ["businessOrdersList", { ...dates, pages: "0" }, "a54dd863aaa1cabcd7285da666fc7f6fdb92cfd3151334b3e1f271332fe1fc19"],
    ] as const)("%s", (message, fields, expected) => {
      expect(sign(message, { ...postman, ...fields }, "12345678")).toBe(expected);
    });

    it("the refund's helper row shows the concatenation: no refund_number", () => {
      const fields = { ...postman, payment_id: "231220170723834010513", refund_number: "R1", refund_type: "1", refund_amount: "0.1", refund_description: "ProductDamage" };
      expect(signingString("refundRequest", fields, "12345678")).toBe("99537899537801231220170723834010513" + "10.1ProductDamage12345678");
    });
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
