import { describe, expect, it } from "vitest";
import { classifyPayResponse, type PayExpectation } from "../../src/oceanpayment/index.js";
import { payResponseXml, sha256, xmlDocument } from "./fake-gateway.js";

const secureCode = "12345678";
const expected: PayExpectation = {
  account: "995149",
  terminal: "99514901",
  secureCode,
  orderNumber: "NO12345678",
  currency: "USD",
  amount: "12.50",
  notes: "till 3",
};
const answer = (fields: Record<string, string>) => classifyPayResponse(payResponseXml({ order_notes: "till 3", ...fields }, secureCode), 200, expected);

/** The paymentResult order, restated: the values of a document concatenated, then the secureCode. */
const signedValues = (f: Record<string, string>) =>
  ["account", "terminal", "order_number", "order_currency", "order_amount", "order_notes", "card_number", "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk"]
    .map((name) => f[name] ?? "")
    .join("");

describe("classifyPayResponse: strict signed fields", () => {
  it("a genuine pending answer, edited to payment_authType=0- / payment_status=1, still verifies but is never a success", () => {
    const pending = { order_notes: "till 3", payment_status: "-1", payment_details: "" };
    const forged = { order_notes: "till 3", payment_authType: "0-", payment_status: "1", payment_details: "" };
    const full = (f: Record<string, string>) => ({
      account: "995149", terminal: "99514901", order_number: "NO12345678", order_currency: "USD", order_amount: "12.50",
      card_number: "", payment_id: "240506101548268260914", payment_authType: "0", payment_risk: "", ...f,
    });
    // The attack's premise: the same concatenation, hence the same signature.
    expect(signedValues(full(forged))).toBe(signedValues(full(pending)));
    const signValue = sha256(signedValues(full(pending)) + secureCode);
    const body = xmlDocument({ ...full(forged), signValue, methods: "", pay_barCode: "" });
    expect(classifyPayResponse(body, 200, expected)).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
    expect(answer(pending)).toMatchObject({ kind: "pending", paymentId: "240506101548268260914" });
  });

  it.each([
    ["payment_authType", { payment_authType: "0-" }],
    ["payment_authType", { payment_authType: "" }],
    ["payment_status", { payment_status: "01" }],
    ["payment_id", { payment_id: "24050610154826826091x" }],
    ["payment_id", { payment_id: "" }],
    ["payment_id", { payment_id: "", payment_status: "-1", payment_details: "" }],
    ["card_number", { card_number: "4111111111111111" }],
    ["payment_details", { payment_details: "80000Transaction Approved" }],
    ["payment_details", { payment_details: "80100:Waiting" }], // success without the approval code
    ["payment_details", { payment_details: "80000:Approved\r\n" }],
    ["payment_risk", { payment_risk: "x".repeat(501) }],
  ])("a signed answer with a malformed %s is ambiguous, settled by query", (_field, fields) => {
    expect(answer(fields)).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
  });

  it.each([
    ["order_notes", { order_notes: "till 4" }],
    ["order_notes", { order_notes: "" }],
    ["order_amount", { order_amount: "" , payment_status: "0", payment_id: "", payment_details: "20013:Signature error" }],
    ["account", { account: "995150" }],
    ["order_currency", { order_currency: "" }],
  ])("a signed answer whose %s is not ours is ambiguous (mismatch)", (_field, fields) => {
    expect(answer(fields)).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
  });

  it("a refusal that echoes our order exactly is rejected; a decline is failed; a masked card is fine", () => {
    expect(answer({ payment_status: "0", payment_id: "", payment_details: "20013:Signature error" })).toMatchObject({ kind: "rejected", code: "20013" });
    expect(answer({ payment_status: "0", payment_details: "80101:Customer cancelled" })).toMatchObject({ kind: "failed", code: "80101" });
    expect(answer({ card_number: "622202******1234" })).toMatchObject({ kind: "succeeded" });
  });
});
