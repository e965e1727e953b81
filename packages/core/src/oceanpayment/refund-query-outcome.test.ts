import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildRefundQueryForm } from "./build-refund-form.js";
import { type RefundQueryExpectation, classifyRefundQueryResponse } from "./refund-query-outcome.js";

// The refund query request vector of Oceanpayment's Postman collection (docs/oceanpayment-wire.md).
const postman = { account: "995378", terminal: "99537801", secureCode: "12345678" };

const expected: RefundQueryExpectation = {
  account: "995149",
  terminal: "99514901",
  secureCode: "12345678",
  orderNumber: "NO1",
  paymentId: "240527141641780010530",
  refundId: "240527141702000000042",
  refundNumber: "R-001",
  amount: "5.00",
  currency: "USD",
};

type Values = Record<string, string>;

/** A queryRefund answer as the wire page shows it, signed here by hand (upper-case hex), independently of the code under test. */
function answer(change: Values = {}, sign: (values: Values) => string = signByHand): string {
  const values: Values = {
    account: "995149",
    terminal: "99514901",
    order_number: "NO1",
    payment_id: "240527141641780010530",
    refund_id: "240527141702000000042",
    refund_number: "R-001",
    refund_type: "1",
    refund_amount: "5.00",
    refund_currency: "USD",
    refund_description: "damaged",
    refund_status: "1",
    refund_details: "80000:Transaction Approved",
    ...change,
  };
  values.signValue ??= sign(values);
  const order = ["account", "terminal", "signValue", "order_number", "payment_id", "refund_id", "refund_number", "refund_type", "refund_amount", "refund_currency", "refund_description", "refund_status", "refund_details"];
  return `<response>${order.map((name) => `<${name}>${values[name] ?? ""}</${name}>`).join("")}</response>`;
}

/** account, terminal, order_number, payment_id, refund_id, refund_number, refund_amount, refund_currency, refund_status, refund_details, secureCode. */
function signByHand(v: Values): string {
  const joined = `${v.account}${v.terminal}${v.order_number}${v.payment_id}${v.refund_id}${v.refund_number}${v.refund_amount}${v.refund_currency}${v.refund_status}${v.refund_details}12345678`;
  return createHash("sha256").update(joined).digest("hex").toUpperCase();
}

const classify = (body: string, expect: Partial<RefundQueryExpectation> = {}) => classifyRefundQueryResponse(body, 200, { ...expected, ...expect });

describe("queryRefund", () => {
  it("signs the request as Oceanpayment's Postman vector (refund_id 0)", () => {
    const form = new Map(buildRefundQueryForm(postman, "0"));
    expect(form.get("signValue")).toBe("9aa2eb3fbba5ae6cc151f7d7500c77033cd4ca1d6b92a0fb3ed14cb63e02b226");
    expect([...form.keys()]).toEqual(["account", "terminal", "refund_id", "signValue"]);
  });

  it("reads a success, a failure and a pending refund, checked and verified", () => {
    expect(classify(answer())).toEqual({ kind: "answered", refundId: expected.refundId, result: "succeeded", details: { code: "80000", message: "Transaction Approved" }, signature: "verified" });
    expect(classify(answer({ refund_status: "0", refund_details: "80103:Refund failed: insufficient balance" }))).toMatchObject({ kind: "answered", result: "failed" });
    expect(classify(answer({ refund_status: "-1", refund_details: "" }))).toMatchObject({ kind: "answered", result: "pending", details: { code: "" } });
  });

  it.each([
    ["a status that is not exactly -1, 0 or 1", { refund_status: "01" }],
    ["a success without the approval code", { refund_details: "80001:Approved" }],
    ["a failure without a code", { refund_status: "0", refund_details: "" }],
    ["details that are not code:text", { refund_details: "8000:Transaction Approved" }],
    ["an amount with three decimals", { refund_amount: "5.000" }],
    ["a refund_id that is not digits", { refund_id: "24052714170200000004a" }],
    ["a currency that is not ISO", { refund_currency: "usd" }],
  ])("never trusts %s, however it is signed", (_what, change) => {
    expect(classify(answer(change))).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
  });

  it("refuses decimals the payment's currency does not have", () => {
    expect(classify(answer({ refund_currency: "JPY", refund_amount: "5.00" }), { currency: "JPY", amount: "5" })).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
    expect(classify(answer({ refund_currency: "JPY", refund_amount: "500" }), { currency: "JPY", amount: "500" })).toMatchObject({ kind: "answered", result: "succeeded" });
  });

  it.each([
    ["another refund", { refund_id: "240527141702000000043" }],
    ["another refund number", { refund_number: "R-002" }],
    ["another attempt", { payment_id: "240527141641780010531" }],
    ["another amount", { refund_amount: "5.01" }],
    ["another currency", { refund_currency: "EUR" }],
    ["another terminal", { terminal: "99514902" }],
  ])("an answer about %s is no answer", (_what, change) => {
    expect(classify(answer(change))).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
  });

  it("a signature that does not verify: used on its other checks (optional), no answer when required", () => {
    const forged = answer({}, () => "0".repeat(64));
    expect(classify(forged)).toMatchObject({ kind: "answered", signature: "mismatch" });
    expect(classify(forged, { signature: "required" })).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
  });

  it("a refused query: 200xx is rejected; an unknown refund_id is no answer", () => {
    const refusal = (code: string) => `<response><query_status>0</query_status><query_details>${code}:refused</query_details></response>`;
    expect(classify(refusal("20013"))).toMatchObject({ kind: "rejected", code: "20013" });
    expect(classify(refusal("20082"))).toMatchObject({ kind: "ambiguous" });
  });
});
