import { describe, expect, it } from "vitest";
import type { AttemptResult, QueryAttempt } from "./query-answer.js";
import { settle } from "./query-outcome.js";

const attempt = (paymentId: string, result: AttemptResult): QueryAttempt => ({
  paymentId,
  result,
  details: { code: "", message: "" },
  barCode: "",
  amount: "1.00",
  currency: "USD",
  dateTime: "",
  signature: "verified",
  refunds: { readable: true, refunds: [] },
});
const attempts = (...list: QueryAttempt[]) => ({ kind: "attempts" as const, attempts: list });

describe("settle", () => {
  it("any success wins, even behind a newer failure", () => {
    expect(settle(attempts(attempt("3", "failed"), attempt("2", "succeeded"), attempt("1", "failed")))).toEqual({
      status: "succeeded",
      attempt: attempt("2", "succeeded"),
    });
  });

  it("an older pending attempt keeps the order pending", () => {
    expect(settle(attempts(attempt("2", "failed"), attempt("1", "pending"))).status).toBe("pending");
  });

  it("failed only when every real attempt failed; the newest failure is reported", () => {
    expect(settle(attempts(attempt("2", "failed"), attempt("1", "failed")))).toEqual({ status: "failed", attempt: attempt("2", "failed") });
  });

  it("no_attempt only from the placeholder answer", () => {
    expect(settle({ kind: "no_attempt" })).toEqual({ status: "no_attempt" });
  });

  it("an order missing from the answer, unclear, or without attempts settles nothing (never no_attempt)", () => {
    expect(settle(undefined)).toMatchObject({ status: "unclear", failure: { kind: "ambiguous" } });
    expect(settle(attempts())).toMatchObject({ status: "unclear" });
    expect(settle({ kind: "unclear", reason: "mismatch", message: "other terminal" })).toEqual({
      status: "unclear",
      failure: { kind: "ambiguous", reason: "mismatch", message: "other terminal" },
    });
  });
});
