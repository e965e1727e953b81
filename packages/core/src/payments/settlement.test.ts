import { describe, expect, it } from "vitest";
import type { QueryAttempt } from "../oceanpayment/query-answer.js";
import { type Settlement, settle } from "../oceanpayment/query-outcome.js";
import type { Payment } from "./payment.js";
import { decideSettlement, qrCodePath } from "./settlement.js";

const at = "2026-01-01T00:00:00.000Z";
function payment(status: Payment["status"], mode: Payment["mode"] = "merchant_scan"): Payment {
  return { orderNumber: "NO1", storeId: "s", mode, method: "WeChatPay_Offline", amount: "1.00", currency: "USD", status, version: 2, createdAt: at, updatedAt: at, history: [] };
}
function attempt(result: QueryAttempt["result"], code: string, extra: Partial<QueryAttempt> = {}): QueryAttempt {
  return { paymentId: `p-${code}`, result, details: { code, message: "m" }, barCode: "", amount: "1.00", currency: "USD", dateTime: "", signature: "verified", ...extra };
}
/** What `settle` makes of these attempts (newest first); they always settle. */
function settled(...attempts: QueryAttempt[]): Settlement {
  const s = settle({ kind: "attempts", attempts });
  if (s.status === "unclear") throw new Error(s.failure.message);
  return s;
}

describe("decideSettlement", () => {
  it("any success wins, even behind a newer failure", () => {
    const d = decideSettlement(payment("submitting"), settled(attempt("failed", "20061"), attempt("succeeded", "80000")), "query");
    expect(d).toEqual({ action: "transition", change: expect.objectContaining({ to: "succeeded", code: "80000", set: expect.objectContaining({ paymentId: "p-80000" }) }) });
  });

  it("a voided attempt ends an open payment voided, a submitting one failed", () => {
    const voided = settled(attempt("failed", "80102"));
    expect(decideSettlement(payment("awaiting_customer"), voided, "query")).toMatchObject({ change: { to: "voided" } });
    expect(decideSettlement(payment("submitting"), voided, "query")).toMatchObject({ change: { to: "failed" } });
  });

  it("a pending attempt moves submitting to pending / awaiting_customer with its QR, and keeps open payments open", () => {
    const pending = settled(attempt("pending", "80100", { barCode: "2024050622001432901441897816" }));
    expect(decideSettlement(payment("submitting", "customer_scan"), pending, "query")).toMatchObject({
      change: { to: "awaiting_customer", set: { barCode: "2024050622001432901441897816", qrCode: qrCodePath("NO1") } },
    });
    expect(decideSettlement(payment("submitting"), settled(attempt("pending", "80700")), "query")).toMatchObject({ change: { to: "pending" } });
    expect(decideSettlement(payment("pending"), pending, "query")).toEqual({ action: "open" });
  });

  it("no attempt at all is the only answer that allows a resend", () => {
    expect(decideSettlement(payment("submitting"), { status: "no_attempt" }, "query")).toEqual({ action: "no_attempt" });
  });
});
