import { describe, expect, it } from "vitest";
import { EventPattern, matchesEventPattern } from "./event-pattern.js";
import { compareStreamIds } from "./stream-id.js";

describe("event patterns", () => {
  it("accepts payment.<status>, payment.risk_notice, payment.*, refund.<status>, refund.* and *", () => {
    for (const p of ["*", "payment.*", "payment.succeeded", "payment.needs_review", "payment.risk_notice", "refund.*", "refund.succeeded", "refund.needs_review", "reconciliation.completed"]) {
      expect(EventPattern.safeParse(p).success).toBe(true);
    }
    for (const p of ["payment.sucess", "payment", "refund.voided", "refund.awaiting_customer", "refund", "payment.**", "refund.risk_notice", "reconciliation.*", ""]) expect(EventPattern.safeParse(p).success).toBe(false);
  });

  it("matches types", () => {
    expect(matchesEventPattern(["payment.*"], "payment.failed")).toBe(true);
    expect(matchesEventPattern(["payment.*"], "refund.failed")).toBe(false);
    expect(matchesEventPattern(["payment.*"], "payment.risk_notice")).toBe(true);
    expect(matchesEventPattern(["refund.*"], "payment.risk_notice")).toBe(false);
    expect(matchesEventPattern(["refund.*"], "refund.pending")).toBe(true);
    expect(matchesEventPattern(["*"], "refund.pending")).toBe(true);
    expect(matchesEventPattern(["*"], "payment.failed")).toBe(true);
    expect(matchesEventPattern(["payment.succeeded"], "payment.failed")).toBe(false);
    expect(matchesEventPattern([], "payment.failed")).toBe(false);
  });

  it("compares stream ids numerically", () => {
    expect(compareStreamIds("9-0", "10-0")).toBeLessThan(0);
    expect(compareStreamIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareStreamIds("10-1", "10-1")).toBe(0);
  });
});
