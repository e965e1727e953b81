import { describe, expect, it } from "vitest";
import { PaymentInfo, classifyQueryResponse, parseGatewayXml, type QueryExpectation, type QueryOutcome } from "../../src/oceanpayment/index.js";
import { noAttemptInfoXml, paymentInfoXml, queryAnswerXml } from "./fake-gateway.js";

/** Oceanpayment's published answer of `/service/check/normal` (packages/sandbox/test/fixtures/query-answer.xml), verbatim. */
const publishedAnswer = `<?xml version="1.0" encoding="UTF-8"?>
<response>
<paymentInfo>
<account>995149</account>
<terminal>99514901</terminal>
<signValue>C011ED98B1D5181F66C800DB7A3A72EDE59583279D30ED40850C9D3E340B704C</signValue>
<order_number>NO12345678</order_number>
<order_currency>USD</order_currency>
<order_amount>0.01</order_amount>
<order_sourceUrl>https://example.com</order_sourceUrl>
<order_notes />
<methods>Credit Card</methods>
<payment_id>221111141453082445074</payment_id>
<payment_results>1</payment_results>
<payment_details>89999:Contact Customer Service</payment_details>
<payment_risk>Smart=20.0(R000002=20.0%,)</payment_risk>
<payment_authCode />
<payment_eci />
<payment_dateTime>2022-11-11 14:15:29</payment_dateTime>
<auth_status>0</auth_status>
<payment_debitTime>2022-11-11 14:15:29</payment_debitTime>
<pay_barCode />
<refund_status>0</refund_status>
<refundList />
<chargeBack_status>0</chargeBack_status>
<chargeBackList />
<duplicate_status>0</duplicate_status>
<transactionList />
<update_status>0</update_status>
<networkToken>
<create_status>3</create_status>
<recurring_type>0</recurring_type>
</networkToken>
</paymentInfo>
</response>
`;

const secureCode = "12345678";
const order = { orderNumber: "NO12345678", currency: "USD", amount: "12.50", notes: "" };
const expectation = (overrides: Partial<QueryExpectation> = {}): QueryExpectation => ({
  account: "995149",
  terminal: "99514901",
  secureCode,
  orders: [order],
  ...overrides,
});

function answered(outcome: QueryOutcome) {
  if (outcome.kind !== "answered") throw new Error(`expected answered, got ${outcome.kind}: ${"message" in outcome ? outcome.message : ""}`);
  return outcome;
}
const classify = (infos: string[], expected = expectation()) => answered(classifyQueryResponse(queryAnswerXml(infos), 200, expected));
const answerFor = (infos: string[], expected = expectation()) => classify(infos, expected).orders.get(order.orderNumber);

describe("the published query answer", () => {
  it("parses: every published element, extra elements (networkToken, order_sourceUrl) ignored", () => {
    const tree = parseGatewayXml(publishedAnswer, { arrayPaths: ["response.paymentInfo"] }) as { paymentInfo: unknown[] };
    const info = PaymentInfo.parse(tree.paymentInfo[0]);
    expect(info).toMatchObject({
      account: "995149",
      terminal: "99514901",
      order_number: "NO12345678",
      order_notes: "",
      payment_id: "221111141453082445074",
      payment_results: "1",
      payment_risk: "Smart=20.0(R000002=20.0%,)",
      payment_debitTime: "2022-11-11 14:15:29",
      update_status: "0",
    });
    expect(info).not.toHaveProperty("networkToken");
  });

  it("is classified attempt by attempt: this one (a card payment, 1 with 89999) is no face-to-face approval, so unclear", () => {
    const outcome = answered(classifyQueryResponse(publishedAnswer, 200, expectation({ orders: [{ ...order, amount: "0.01" }] })));
    expect(outcome.orders.get("NO12345678")).toMatchObject({ kind: "unclear", message: expect.stringContaining("payment_details") });
  });

  it("the same attempt approved (80000) settles; its placeholder signValue is counted, not trusted, in optional mode", () => {
    const approved = publishedAnswer.replace("89999:Contact Customer Service", "80000:Transaction Approved");
    const expected = expectation({ orders: [{ ...order, amount: "0.01" }] });
    const outcome = answered(classifyQueryResponse(approved, 200, expected));
    expect(outcome.orders.get("NO12345678")).toMatchObject({ kind: "attempts", attempts: [{ paymentId: "221111141453082445074", result: "succeeded", signature: "mismatch" }] });
    expect(outcome.signatureMismatches).toBe(1);
    expect(answered(classifyQueryResponse(approved, 200, { ...expected, signature: "required" })).orders.get("NO12345678")).toMatchObject({
      kind: "unclear",
      reason: "signature_invalid",
    });
  });
});

describe("classifyQueryResponse", () => {
  it("reads every attempt, newest first, verifying the agreed sign string", () => {
    const answer = answerFor([
      paymentInfoXml({ payment_id: "3", payment_results: "0", payment_details: "80101:Cancelled" }, secureCode),
      paymentInfoXml({ payment_id: "2", order_amount: "12.5" }, secureCode),
      paymentInfoXml({ payment_id: "1", payment_results: "-1", payment_details: "", pay_barCode: "2024050622001432901441897816" }, secureCode),
    ], expectation({ signature: "required" }));
    expect(answer).toMatchObject({ kind: "attempts" });
    const attempts = answer?.kind === "attempts" ? answer.attempts : [];
    expect(attempts.map((a) => [a.paymentId, a.result, a.signature])).toEqual([
      ["3", "failed", "verified"],
      ["2", "succeeded", "verified"],
      ["1", "pending", "verified"],
    ]);
    expect(attempts[0]).toMatchObject({ amount: "12.50", currency: "USD", details: { code: "80101", message: "Cancelled" } });
    expect(attempts[2]?.barCode).toBe("2024050622001432901441897816");
  });

  it("no attempt only for the agreed placeholder: one paymentInfo, our account and terminal, every attempt field empty", () => {
    expect(answerFor([noAttemptInfoXml("NO12345678")])).toEqual({ kind: "no_attempt" });
    expect(answerFor([noAttemptInfoXml("NO12345678")], expectation({ signature: "required" }))).toEqual({ kind: "no_attempt" });
  });

  it.each([
    ["without account and terminal", [`<paymentInfo><order_number>NO12345678</order_number><payment_id></payment_id><payment_results></payment_results></paymentInfo>`]],
    ["of another terminal", [noAttemptInfoXml("NO12345678", "995149", "99514902")]],
    ["beside a real attempt", [paymentInfoXml({}, secureCode), noAttemptInfoXml("NO12345678")]],
    ["twice", [noAttemptInfoXml("NO12345678"), noAttemptInfoXml("NO12345678")]],
    ["with an amount but no attempt", [noAttemptInfoXml("NO12345678").replace("<order_amount></order_amount>", "<order_amount>12.50</order_amount>")]],
    ["with results but no payment_id", [noAttemptInfoXml("NO12345678").replace("<payment_results></payment_results>", "<payment_results>0</payment_results>")]],
    ["left out altogether", [paymentInfoXml({ order_number: "OTHER" }, secureCode)]],
  ])("a placeholder %s is not no_attempt", (_name, infos) => {
    const expected = expectation({ orders: [order, { ...order, orderNumber: "OTHER" }] });
    expect(answerFor(infos, expected)).toMatchObject({ kind: "unclear" });
  });

  it.each([
    ["payment_results empty", { payment_results: "" }],
    ["payment_results 2", { payment_results: "2" }],
    ["payment_id not digits", { payment_id: "P-1" }],
    ["payment_id empty", { payment_id: "", payment_results: "0", payment_details: "80101:Cancelled" }],
    ["payment_details without a code", { payment_details: "Approved" }],
    ["a success without 80000", { payment_details: "80100:Waiting" }],
    ["payment_risk with a control character", { payment_risk: "a\u0007" }],
    ["another amount", { order_amount: "1.25" }],
    ["another currency", { order_currency: "EUR" }],
    ["other notes", { order_notes: "x" }],
    ["another account", { account: "995150" }],
    ["another terminal", { terminal: "99514902" }],
  ])("an attempt with %s makes its order unclear, not settled", (_name, fields) => {
    expect(answerFor([paymentInfoXml(fields, secureCode)])).toMatchObject({ kind: "unclear" });
  });

  it("one unclear order does not hide another order's answer", () => {
    const expected = expectation({ orders: [order, { ...order, orderNumber: "B2" }] });
    const outcome = classify([paymentInfoXml({ payment_results: "9" }, secureCode), paymentInfoXml({ order_number: "B2" }, secureCode)], expected);
    expect(outcome.orders.get("NO12345678")).toMatchObject({ kind: "unclear" });
    expect(outcome.orders.get("B2")).toMatchObject({ kind: "attempts", attempts: [{ result: "succeeded" }] });
  });

  it("an odd element shape makes that order unclear; an order not asked makes the answer ambiguous", () => {
    const odd = paymentInfoXml({}, secureCode).replace("<payment_id>240506101548268260914</payment_id>", "<payment_id><x>1</x></payment_id>");
    expect(answerFor([odd])).toMatchObject({ kind: "unclear" });
    expect(classifyQueryResponse(queryAnswerXml([paymentInfoXml({ order_number: "B2" }, secureCode)]), 200, expectation())).toMatchObject({
      kind: "ambiguous",
      reason: "mismatch",
    });
    expect(classifyQueryResponse(queryAnswerXml([]), 200, expectation())).toMatchObject({ kind: "ambiguous" });
  });

  it("a signValue that does not verify: used and counted in optional mode (default), unclear in required mode", () => {
    const forged = [paymentInfoXml({}, "not-the-secure-code")];
    const optional = classify(forged);
    expect(optional.orders.get(order.orderNumber)).toMatchObject({ kind: "attempts", attempts: [{ result: "succeeded", signature: "mismatch" }] });
    expect(optional.signatureMismatches).toBe(1);
    expect(answerFor(forged, expectation({ signature: "required" }))).toMatchObject({ kind: "unclear", reason: "signature_invalid" });
  });
});
