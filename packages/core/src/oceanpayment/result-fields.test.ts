import { describe, expect, it } from "vitest";
import { echoProblem, formatProblem, isPlainApproval, type SignedResult } from "./result-fields.js";

const success: SignedResult = {
  account: "995149",
  terminal: "99514901",
  order_number: "NO12345678",
  order_currency: "USD",
  order_amount: "0.01",
  order_notes: "",
  card_number: "",
  payment_id: "240506101548268260914",
  payment_authType: "0",
  status: "1",
  payment_details: "80000:Transaction Approved",
  payment_risk: "",
};
const expected = { account: "995149", terminal: "99514901", orderNumber: "NO12345678", currency: "USD", amount: "0.01", notes: "" };

describe("formatProblem", () => {
  it("accepts the spec's sample notices: pending with empty details, success with 80000", () => {
    expect(formatProblem({ ...success, status: "-1", payment_details: "" })).toBeUndefined();
    expect(formatProblem(success)).toBeUndefined();
    expect(formatProblem({ ...success, card_number: "411111******1111", payment_risk: "Smart=20.0(R000002=20.0%,)" })).toBeUndefined();
  });

  it("accepts a refused request: status 0, no payment_id, a validation code", () => {
    expect(formatProblem({ ...success, payment_id: "", status: "0", payment_details: "20013:Signature error" })).toBeUndefined();
    expect(formatProblem({ ...success, payment_id: "", payment_authType: "", status: "0", payment_details: "20013:Signature error" })).toBeUndefined();
  });

  it("accepts a query attempt, which has no card_number or payment_authType", () => {
    expect(formatProblem({ ...success, card_number: undefined, payment_authType: undefined })).toBeUndefined();
  });

  it.each([
    // The reproduced attack: a pending notice's `0` + `-1` read as `0-` + `1`.
    ["payment_authType", { payment_authType: "0-" }],
    ["payment_authType", { payment_authType: "" }],
    ["payment_authType", { payment_authType: "", status: "0", payment_details: "80101:Cancelled" }], // names an attempt
    ["status", { status: "01" }],
    ["status", { status: "" }],
    ["status", { status: "-1 " }],
    ["payment_id", { payment_id: "24050610154826826091-" }],
    ["payment_id", { payment_id: "P1" }],
    ["payment_id", { payment_id: "" }], // a success names its attempt
    ["payment_id", { payment_id: "", status: "-1", payment_details: "" }],
    ["card_number", { card_number: "4111111111111111" }], // a whole card number is not masked
    ["card_number", { card_number: "0" }],
    ["payment_details", { payment_details: "8000:Approved" }],
    ["payment_details", { payment_details: "Transaction Approved" }],
    ["payment_details", { payment_details: "80000:Approved\n" }],
    ["payment_details", { payment_details: `80000:${"x".repeat(500)}` }],
    ["payment_details", { payment_details: "80100:Waiting" }], // a success needs the approval code
    ["payment_details", { payment_details: "" }],
    ["payment_risk", { payment_risk: "a\u0000b" }],
    ["payment_risk", { payment_risk: "r".repeat(501) }],
  ] as const)("refuses %s %j", (field, override) => {
    expect(formatProblem({ ...success, ...override })).toBe(field);
  });
});

describe("echoProblem", () => {
  it("accepts our order as sent, the amount as a decimal", () => {
    expect(echoProblem(success, expected)).toBeUndefined();
    expect(echoProblem({ ...success, order_amount: "0.010" }, expected)).toBeUndefined();
  });

  it.each([
    ["account", { account: "995150" }],
    ["terminal", { terminal: "99514902" }],
    ["order_number", { order_number: "NO12345678 " }],
    ["order_currency", { order_currency: "usd" }],
    ["order_amount", { order_amount: "0.1" }],
    ["order_amount", { order_amount: "" }], // a refused request echoes our amount too
    ["order_notes", { order_notes: "till 3" }],
  ] as const)("names %s", (field, override) => {
    expect(echoProblem({ ...success, ...override }, expected)).toBe(field);
  });
});

describe("isPlainApproval", () => {
  it("is the spec's success notice exactly: the published approval with nothing signed after it", () => {
    expect(isPlainApproval(success)).toBe(true);
  });

  it.each([
    ["text after the approval (a shifted rejection's tail)", { payment_details: "80000:Transaction Approved0020013:Incorrect sign value" }],
    ["a risk signed after it", { payment_risk: "0020013:Incorrect sign value" }],
    ["a card number", { card_number: "4111**1111" }],
    ["another approval text", { payment_details: "80000:Approved" }],
    ["not a success", { status: "0" }],
  ] as const)("is false with %s", (_, override) => {
    expect(isPlainApproval({ ...success, ...override })).toBe(false);
  });
});
