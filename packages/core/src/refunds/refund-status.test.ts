import { describe, expect, it } from "vitest";
import { canRefundTransition, holdsAmount, isRefundContradiction, isRefundFinal, refundStatuses } from "./refund-status.js";

describe("the refund state machine", () => {
  it("follows the contract", () => {
    const moves = refundStatuses.flatMap((from) => refundStatuses.filter((to) => canRefundTransition(from, to)).map((to) => `${from}→${to}`));
    expect(moves).toEqual([
      "accepted→submitting",
      "submitting→pending", "submitting→succeeded", "submitting→failed", "submitting→needs_review",
      "pending→succeeded", "pending→failed", "pending→needs_review",
      "needs_review→succeeded", "needs_review→failed",
    ]);
  });

  it("has succeeded and failed final; only a success for a failed refund contradicts it", () => {
    expect(refundStatuses.filter(isRefundFinal)).toEqual(["succeeded", "failed"]);
    const contradictions = refundStatuses.flatMap((from) => refundStatuses.filter((to) => isRefundContradiction(from, to)).map((to) => `${from}→${to}`));
    expect(contradictions).toEqual(["failed→succeeded"]);
  });

  it("holds the amount of every refund that is not failed", () => {
    expect(refundStatuses.filter((s) => !holdsAmount(s))).toEqual(["failed"]);
  });
});
