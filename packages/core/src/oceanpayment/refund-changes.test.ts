import { describe, expect, it } from "vitest";
import type { Refund } from "../refunds/refund.js";
import type { OrderAnswer, QueryAttempt } from "./query-answer.js";
import { partialRefundType, refundAnswerDecision, refundListDecision, refundQueryDecision, refundTypeFor } from "./refund-changes.js";
import { readRefundList } from "./refund-list.js";

const at = "2026-01-01T00:00:00.000Z";
const paymentId = "240527141641780010530";
const refundId = "240527141702000000042";

function refund(status: Refund["status"]): Refund {
  return { refundNumber: "R-1", orderNumber: "NO1", storeId: "s", amount: "5.00", currency: "USD", status, version: 2, createdAt: at, updatedAt: at, history: [] };
}
const approved = { code: "80000", message: "Transaction Approved" };

/** A payment query's answer for NO1 whose attempt lists these refundInfo elements (as the XML reader gives them). */
function answerListing(refundInfo: Record<string, string>[] | "", id = paymentId): OrderAnswer {
  const attempt: QueryAttempt = {
    paymentId: id,
    result: "succeeded",
    details: approved,
    barCode: "",
    amount: "12.50",
    currency: "USD",
    dateTime: "",
    signature: "verified",
    refunds: readRefundList(refundInfo === "" ? "" : { refundInfo }, "USD"),
  };
  return { kind: "attempts", attempts: [attempt] };
}
const listed = (change: Record<string, string> = {}) => ({
  refund_id: refundId,
  refund_number: "R-1",
  refund_type: "1",
  refund_amount: "5.00",
  refund_status: "-1",
  refund_details: "",
  ...change,
});

describe("refundAnswerDecision (applyRefund)", () => {
  it("filed → pending with its refund_id; filed without a usable refund_id → query", () => {
    expect(refundAnswerDecision({ kind: "accepted", refundId, details: approved })).toEqual({
      action: "transition",
      change: { to: "pending", source: "payer", code: "80000", set: { refundId, gateway: approved } },
    });
    expect(refundAnswerDecision({ kind: "accepted", refundId: "", details: approved })).toMatchObject({ action: "query" });
  });

  it("a refusal is a definite failure (nothing was filed); time-out, reset, 5xx, unreadable → query; not sent → unanswered", () => {
    const refusal = { code: "20081", message: "Refund exceeds the captured amount" };
    expect(refundAnswerDecision({ kind: "refused", code: "20081", details: refusal })).toMatchObject({ action: "transition", change: { to: "failed", code: "20081" } });
    expect(refundAnswerDecision({ kind: "rejected", code: "20013", details: { code: "20013", message: "x" } })).toMatchObject({ action: "transition", change: { to: "failed" } });
    for (const reason of ["timeout", "maybe_sent", "http_5xx", "unparseable", "mismatch"] as const) {
      expect(refundAnswerDecision({ kind: "ambiguous", reason, message: reason })).toMatchObject({ action: "query" });
    }
    expect(refundAnswerDecision({ kind: "retryable", reason: "not_sent", message: "refused" })).toMatchObject({ action: "unanswered" });
  });
});

describe("refundQueryDecision (queryRefund)", () => {
  const answered = (result: "succeeded" | "pending" | "failed", details = approved) => ({ kind: "answered" as const, refundId, result, details, signature: "verified" as const });

  it("adopts final results; pending keeps a pending refund open and records a submitting one as filed", () => {
    expect(refundQueryDecision(refund("pending"), answered("succeeded"))).toMatchObject({ action: "transition", change: { to: "succeeded", source: "query", set: { refundId } } });
    expect(refundQueryDecision(refund("needs_review"), answered("failed", { code: "80103", message: "x" }))).toMatchObject({ action: "transition", change: { to: "failed", code: "80103" } });
    expect(refundQueryDecision(refund("pending"), answered("pending", { code: "", message: "" }))).toEqual({ action: "open" });
    expect(refundQueryDecision(refund("submitting"), answered("pending", { code: "", message: "" }))).toMatchObject({ action: "transition", change: { to: "pending", set: { refundId } } });
  });

  it("a refused query is refused, no answer is unanswered", () => {
    expect(refundQueryDecision(refund("pending"), { kind: "rejected", code: "20013", details: { code: "20013", message: "" } })).toEqual({ action: "refused", code: "20013" });
    expect(refundQueryDecision(refund("pending"), { kind: "ambiguous", reason: "timeout", message: "t" })).toMatchObject({ action: "unanswered" });
  });
});

describe("refundListDecision (a payment query's refundList)", () => {
  it("our refund number in the refunded attempt's list is adopted, with its refund_id", () => {
    expect(refundListDecision(refund("submitting"), paymentId, answerListing([listed()]))).toMatchObject({ action: "transition", change: { to: "pending", set: { refundId } } });
    expect(refundListDecision(refund("submitting"), paymentId, answerListing([listed({ refund_status: "1", refund_details: "80000:Transaction Approved" })]))).toMatchObject({
      action: "transition",
      change: { to: "succeeded", set: { refundId } },
    });
  });

  it("a readable list without our number (or none at all) is the one answer that says: never filed", () => {
    expect(refundListDecision(refund("submitting"), paymentId, answerListing(""))).toEqual({ action: "no_attempt" });
    expect(refundListDecision(refund("submitting"), paymentId, answerListing([listed({ refund_number: "R-2" })]))).toEqual({ action: "no_attempt" });
  });

  it.each([
    ["the order missing", undefined],
    ["the order unclear", { kind: "unclear", reason: "unparseable", message: "x" } as const],
    ["the refunded attempt missing", answerListing("", "240527141641780010531")],
    ["our number on another amount", answerListing([listed({ refund_amount: "5.01" })])],
    ["our number filed twice", answerListing([listed(), listed({ refund_id: "240527141702000000043" })])],
    ["an entry out of format (status)", answerListing([listed({ refund_status: "2" })])],
    ["an entry out of format (refund_id)", answerListing([listed({ refund_id: "" })])],
  ])("%s says nothing certain: unanswered, never 'not filed'", (_what, answer) => {
    expect(refundListDecision(refund("submitting"), paymentId, answer as OrderAnswer | undefined)).toMatchObject({ action: "unanswered" });
  });
});

describe("refund_type", () => {
  it("the whole payment is a full refund (1); part of it the one replaceable partial constant", () => {
    expect(refundTypeFor("12.50", "12.5")).toBe("full");
    expect(refundTypeFor("12.50", "5.00")).toBe(partialRefundType);
  });
});
