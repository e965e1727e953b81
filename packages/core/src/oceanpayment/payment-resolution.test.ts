import { describe, expect, it } from "vitest";
import type { Payment } from "../payments/payment.js";
import type { QueryAttempt } from "./query-answer.js";
import { refundResolveDecision, resolveDecision } from "./payment-resolution.js";

const at = "2026-01-01T00:00:00.000Z";
const inReview: Payment = {
  orderNumber: "NO1", storeId: "s", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "1.00", currency: "USD",
  status: "needs_review", version: 3, createdAt: at, updatedAt: at, history: [],
};
const attempt = (result: QueryAttempt["result"], code: string): QueryAttempt => ({
  paymentId: "P1", result, details: { code, message: "m" }, barCode: "", amount: "1.00", currency: "USD", dateTime: "", signature: "verified", refunds: { readable: true, refunds: [] },
});
const asked = { reason: "till says so", operator: "sam" };

describe("resolveDecision", () => {
  it("the gateway's settled answer wins, as an operator's move with the gateway's facts", () => {
    const decision = resolveDecision(inReview, { status: "succeeded", attempt: attempt("succeeded", "80000") }, { ...asked, status: "failed" });
    expect(decision).toEqual({
      action: "transition",
      by: "gateway",
      change: {
        to: "succeeded", source: "operator", operator: "sam", code: "80000",
        reason: "till says so (resolved as failed; the gateway's answer, succeeded, wins)",
        set: { paymentId: "P1", gateway: { code: "80000", message: "m" } },
      },
    });
    const confirmed = resolveDecision(inReview, { status: "failed", attempt: attempt("failed", "80001") }, { ...asked, status: "failed" });
    expect(confirmed).toMatchObject({ action: "transition", by: "gateway", change: { to: "failed", reason: "till says so (confirmed by the gateway)" } });
  });

  it("pending: failed voids first, succeeded is refused; no attempt: failed applies, succeeded is refused; unreachable applies", () => {
    const pending = { status: "pending", attempt: attempt("pending", "80100") } as const;
    expect(resolveDecision(inReview, pending, { ...asked, status: "failed" })).toEqual({ action: "void" });
    expect(resolveDecision(inReview, pending, { ...asked, status: "succeeded" })).toMatchObject({ action: "refuse" });
    expect(resolveDecision(inReview, { status: "no_attempt" }, { ...asked, status: "succeeded" })).toMatchObject({ action: "refuse" });
    expect(resolveDecision(inReview, { status: "no_attempt" }, { ...asked, status: "failed" })).toMatchObject({ action: "transition", by: "operator", change: { to: "failed", source: "operator" } });
    expect(resolveDecision(inReview, { status: "unreachable", why: "timeout" }, { ...asked, status: "succeeded" })).toEqual({
      action: "transition",
      by: "operator",
      change: { to: "succeeded", source: "operator", operator: "sam", reason: "till says so (the gateway could not be asked: timeout)" },
    });
  });

  it("refunds: settled answers win, pending is refused, never filed only fails, unreachable applies", () => {
    const settled = refundResolveDecision({ status: "failed", change: { to: "failed", source: "query", code: "x" } }, { ...asked, status: "succeeded" });
    expect(settled).toMatchObject({ by: "gateway", change: { to: "failed", source: "operator", operator: "sam" } });
    expect(refundResolveDecision({ status: "pending" }, { ...asked, status: "failed" })).toMatchObject({ action: "refuse" });
    expect(refundResolveDecision({ status: "unreachable", why: "n/a" }, { ...asked, status: "failed" })).toMatchObject({ by: "operator", change: { to: "failed" } });
    expect(refundResolveDecision({ status: "no_attempt" }, { ...asked, status: "succeeded" })).toMatchObject({ action: "refuse" });
    expect(refundResolveDecision({ status: "no_attempt" }, { ...asked, status: "failed" })).toMatchObject({ by: "operator", change: { to: "failed", reason: expect.stringMatching(/no such refund/) } });
  });
});
