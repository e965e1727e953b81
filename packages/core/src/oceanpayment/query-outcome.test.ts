import { describe, expect, it } from "vitest";
import { classifyQueryResponse, newestAttempt, settle, type AttemptResult, type QueryAttempt } from "./query-outcome.js";

const attempt = (paymentId: string, result: AttemptResult): QueryAttempt => ({
  paymentId,
  result,
  details: { code: "", message: "" },
  barCode: "",
  amount: "1.00",
  currency: "USD",
  dateTime: "",
});

describe("settle", () => {
  it("any success wins, even behind a newer failure", () => {
    expect(settle([attempt("3", "failed"), attempt("2", "succeeded"), attempt("1", "failed")])).toEqual({
      status: "succeeded",
      attempt: attempt("2", "succeeded"),
    });
  });

  it("an older pending attempt keeps the order pending", () => {
    expect(settle([attempt("2", "failed"), attempt("1", "pending")]).status).toBe("pending");
  });

  it("failed only when every real attempt failed; the newest failure is reported", () => {
    expect(settle([attempt("2", "failed"), attempt("1", "failed")])).toEqual({ status: "failed", attempt: attempt("2", "failed") });
  });

  it("no_attempt for the placeholder or nothing", () => {
    expect(settle([attempt("", "none")])).toEqual({ status: "no_attempt" });
    expect(settle([])).toEqual({ status: "no_attempt" });
  });
});

describe("newestAttempt", () => {
  it("skips the no-attempt placeholder", () => {
    expect(newestAttempt([attempt("", "none")])).toBeUndefined();
    expect(newestAttempt([attempt("2", "pending"), attempt("1", "failed")])?.paymentId).toBe("2");
  });
});

describe("classifyQueryResponse", () => {
  const expected = { account: "995149", terminal: "99514901", orderNumbers: ["A1"] };
  const info = (fields: string) => `<paymentInfo><order_number>A1</order_number>${fields}</paymentInfo>`;
  const doc = (body: string) => `<response><account>995149</account><terminal>99514901</terminal>${body}</response>`;

  it("reads a real attempt with empty results as pending, never failed", () => {
    const out = classifyQueryResponse(doc(info("<payment_id>P1</payment_id><payment_results></payment_results>")), 200, expected);
    expect(out.kind === "answered" && out.orders.get("A1")?.[0]?.result).toBe("pending");
  });

  it("treats any other payment_results as failed", () => {
    const out = classifyQueryResponse(doc(info("<payment_id>P1</payment_id><payment_results>0</payment_results><payment_details>80102:Order voided</payment_details>")), 200, expected);
    expect(out.kind === "answered" && out.orders.get("A1")?.[0]).toMatchObject({ result: "failed", details: { code: "80102", message: "Order voided" } });
  });

  it("is ambiguous for another terminal, an order not asked, or an order left out", () => {
    expect(classifyQueryResponse(doc(info("")).replace("99514901", "99999999"), 200, expected)).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
    expect(classifyQueryResponse(doc(info("").replace("A1", "B2")), 200, expected)).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
    expect(classifyQueryResponse(doc(""), 200, expected)).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
  });
});
