import { describe, expect, it } from "vitest";
import { jobCatalog, refundJob } from "../jobs/index.js";
import { parseRefundMember, paymentRefOf, refundMember } from "./refund-ref.js";
import { refundFeedRef } from "./refund-feed.js";

describe("refund references", () => {
  const ref = { account: "995149", orderNumber: "NO-1_a", refundNumber: "R-001" };

  it("round-trips the member and refuses what it never writes", () => {
    expect(refundMember(ref)).toBe("995149:NO-1_a:R-001");
    expect(parseRefundMember("995149:NO-1_a:R-001")).toEqual(ref);
    for (const bad of ["995149:NO1", "995149:NO1:", ":NO1:R1", "995149::R1", "a:b:c:d", ""]) expect(parseRefundMember(bad)).toBeUndefined();
    expect(paymentRefOf(ref)).toEqual({ account: "995149", orderNumber: "NO-1_a" });
  });

  it("reads feed entries", () => {
    expect(refundFeedRef(["ref", "995149:NO-1_a:R-001"])).toEqual(ref);
    expect(refundFeedRef(["other", "995149:NO-1_a:R-001"])).toBeUndefined();
    expect(refundFeedRef(null)).toBeUndefined();
  });

  it("gives two refunds two job ids, even when their numbers share dashes differently", () => {
    const a = refundJob({ account: "995149", orderNumber: "A-B", refundNumber: "C" });
    const b = refundJob({ account: "995149", orderNumber: "A", refundNumber: "B-C" });
    expect(a.opts.jobId).not.toBe(b.opts.jobId);
    expect(a.opts.jobId).not.toContain(":");
    expect(a).toMatchObject({ name: jobCatalog.submitRefund.name, data: { account: "995149", orderNumber: "A-B", refundNumber: "C" } });
    expect(refundJob(ref, { priorAttempts: 1, delayMs: 500 }).opts).toMatchObject({ attempts: jobCatalog.submitRefund.options.attempts - 1, delay: 500 });
  });
});
