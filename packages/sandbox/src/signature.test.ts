// Every signature vector of docs/oceanpayment-wire.md, run through the emulator's own table: a field
// order that is wrong here (or copied from a wrong client table) fails one of these.
import { describe, expect, it } from "vitest";
import { type SignedValues, sha256Hex, signDocument, signedString, verifyDocument } from "./signature.js";
import type { SignedDocument } from "./signature-orders.js";

const postman = { account: "995378", terminal: "99537801" };
const sandbox = { account: "995149", terminal: "99514901" };
const secureCode = "12345678";

const vectors: Array<[name: string, document: SignedDocument, values: SignedValues, signValue: string]> = [
  [
    "pay request, the face-to-face sample's values",
    "payRequest",
    { ...sandbox, order_number: "NO12345678", order_currency: "USD", order_amount: "0.01", billing_firstName: "test", billing_lastName: "test", billing_email: "test@gmail.com" },
    "1207df556240d2c70c63f89d978a5dbfcaa3c9780c8c6bd36779bf526ca10342",
  ],
  ["query (Postman)", "queryRequest", { ...postman, order_number: "ae866" }, "2e27426ca627e4734ca9c43bd18e593c4af1848688486a3c167d39f7f75cf7b2"],
  [
    "refund (Postman): refund_number is not signed",
    "refundRequest",
    { ...postman, payment_id: "231220170723834010513", refund_type: "1", refund_amount: "0.1", refund_description: "ProductDamage", refund_number: "R-1" },
    "c719beb74b87d4f200a1c9c42aa87d3ecdab6b78aa9f2f4f9a126b16cb1d4a91",
  ],
  ["refund query (Postman)", "refundQueryRequest", { ...postman, refund_id: "0" }, "9aa2eb3fbba5ae6cc151f7d7500c77033cd4ca1d6b92a0fb3ed14cb63e02b226"],
  [
    "void (Postman)",
    "voidRequest",
    { ...postman, order_number: "231220170723834010513", payment_authType: "3" },
    "14b420a0660f292dacb54f7d5c790bb80d9175635e47e32956637f50a39e4bc4",
  ],
  [
    "successful orders list (Postman)",
    "successfulOrdersRequest",
    { ...postman, order_beginDate: "2023-12-25 15:29:42", order_endDate: "2023-12-26 15:29:45" },
    "3bf8550e7773b414a35ac966e5855d8781c5264224dfdb9418f13ceefb79ebda",
  ],
  [
    "business orders list (Postman)",
    "businessOrdersRequest",
    { ...postman, order_beginDate: "2023-12-25 15:29:42", order_endDate: "2023-12-26 15:29:45", pages: "0" },
    "a54dd863aaa1cabcd7285da666fc7f6fdb92cfd3151334b3e1f271332fe1fc19",
  ],
];

describe("signature vectors", () => {
  it.each(vectors)("%s", (_name, document, values, signValue) => {
    expect(signDocument(document, values, secureCode)).toBe(signValue.toUpperCase());
    expect(verifyDocument(document, values, secureCode, signValue)).toBe(true);
    expect(verifyDocument(document, values, secureCode, signValue.toUpperCase())).toBe(true);
    expect(verifyDocument(document, values, "87654321", signValue)).toBe(false);
  });

  it("reproduces the Postman refund helper row, which shows the concatenation itself", () => {
    const values = { account: "150260", terminal: "15026001", payment_id: "231129145554141026041", refund_type: "1", refund_amount: "1", refund_description: "商品瑕疵" };
    expect(signedString("refundRequest", values, secureCode)).toBe("1502601502600123112914555414102604111商品瑕疵12345678");
  });

  it("the published card-binding vector reproduces with the same primitive", () => {
    const concatenation = "995149" + "99514901" + "123456" + "http://127.0.0.1/result.php" + "test" + "test" + "test@test.com" + secureCode;
    expect(sha256Hex(concatenation)).toBe("e7cb35166f9066d2844c29a11ca43f4dd25a3e0f9d145579363a5a0124a901d1");
  });
});

describe("verifyDocument", () => {
  const values = { ...postman, order_number: "ae866" };
  it.each([undefined, "", "2e27", `${"z".repeat(64)}`, `${"2e27426ca627e4734ca9c43bd18e593c4af1848688486a3c167d39f7f75cf7b2"}0`])(
    "refuses a malformed signValue %s",
    (received) => {
      expect(verifyDocument("queryRequest", values, secureCode, received)).toBe(false);
    },
  );

  it("covers the concatenation, not the fields: characters moved across a boundary still verify", () => {
    const shifted = { account: "99537", terminal: "899537801", order_number: "ae866" };
    expect(verifyDocument("queryRequest", shifted, secureCode, "2e27426ca627e4734ca9c43bd18e593c4af1848688486a3c167d39f7f75cf7b2")).toBe(true);
  });
});
