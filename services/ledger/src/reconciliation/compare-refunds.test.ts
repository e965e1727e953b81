import type { RefundState } from "@oceanpos/core/oceanpayment";
import type { Refund } from "@oceanpos/core/refunds";
import { describe, expect, it } from "vitest";
import { compareRefund } from "./compare-refunds.js";

const refund = (over: Partial<Refund> = {}): Refund => ({
  refundNumber: "R-1",
  orderNumber: "NO1",
  storeId: "s",
  amount: "5",
  currency: "USD",
  status: "succeeded",
  version: 4,
  refundId: "77",
  createdAt: "2026-03-01T10:00:00.000Z",
  updatedAt: "2026-03-01T10:00:01.000Z",
  history: [],
  ...over,
});
const settled = (to: "succeeded" | "failed" | "pending"): RefundState => ({ action: "transition", change: { to, source: "query", code: to === "failed" ? "80100" : "80000", set: { refundId: "77" } } });

describe("compareRefund", () => {
  it("agrees when the gateway's answer is our status, formatting our amount with the currency's decimals", () => {
    expect(compareRefund(refund(), settled("succeeded"))).toMatchObject({ kind: "agreed" });
    expect(compareRefund(refund({ status: "pending" }), { action: "open" })).toMatchObject({ kind: "agreed" });
    // Never filed, and failed here: nothing went out on either side.
    expect(compareRefund(refund({ status: "failed", refundId: undefined }), { action: "no_attempt" })).toMatchObject({ kind: "agreed" });
    const lagging = compareRefund(refund({ status: "pending" }), settled("succeeded"));
    expect(lagging).toMatchObject({ kind: "discrepancy", change: { to: "succeeded" }, discrepancy: { kind: "refund_status_mismatch", ours: { amount: "5.00", status: "pending" }, theirs: { status: "succeeded", refundId: "77", code: "80000" } } });
  });

  it("reports a refund the gateway holds pending that we hold final, one it never filed, and one of another amount", () => {
    expect(compareRefund(refund(), { action: "open" })).toMatchObject({ kind: "discrepancy", discrepancy: { kind: "refund_status_mismatch", theirs: { status: "pending" } } });
    expect(compareRefund(refund({ status: "pending" }), { action: "no_attempt" })).toMatchObject({ kind: "discrepancy", discrepancy: { kind: "refund_missing_there", theirs: null } });
    const other: RefundState = { action: "unanswered", failure: { kind: "ambiguous", reason: "mismatch", message: "refund query answer: refund_amount differs from the refund", field: "refund_amount" } };
    expect(compareRefund(refund(), other)).toMatchObject({ kind: "discrepancy", discrepancy: { kind: "refund_amount_mismatch", theirs: { status: null, detail: expect.stringMatching(/refund_amount/) } } });
  });

  it("is unusable without an answer, with another field contradicted, or refused: the run fails rather than guess", () => {
    const wrongId: RefundState = { action: "unanswered", failure: { kind: "ambiguous", reason: "mismatch", message: "payment_id differs", field: "payment_id" } };
    expect(compareRefund(refund(), wrongId)).toEqual({ kind: "unusable", why: "mismatch: payment_id differs" });
    expect(compareRefund(refund(), { action: "unanswered", failure: { kind: "retryable", reason: "http_5xx", message: "503" } })).toMatchObject({ kind: "unusable" });
    expect(compareRefund(refund(), { action: "refused", code: "20013" })).toEqual({ kind: "unusable", why: "the query was refused (20013)" });
  });
});
