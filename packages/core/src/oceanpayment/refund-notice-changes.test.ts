import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Payment } from "../payments/payment.js";
import type { Refund } from "../refunds/refund.js";
import { noticeKindOf, shapeBusinessNotice, verifyBusinessNotice } from "./business-notice.js";
import type { BusinessNotice } from "./response-schemas.js";
import { refundNoticeDecision } from "./refund-notice-changes.js";

const at = "2026-01-01T00:00:00.000Z";
const chargeId = "240506101548268260914";
const refundId = "240527141702000000042";
const store = { account: "995149", terminal: "99514901" };

/**
 * The business notice's sign string, restated from docs/oceanpayment-wire.md (not imported from
 * the code under test): an assumed order, agreed with the sandbox's own table.
 */
const restatedOrder = ["account", "terminal", "order_number", "order_currency", "order_amount", "payment_id", "refund_number", "notice_type", "push_id", "push_status", "push_details"];
const restatedSign = (fields: Record<string, string>) => createHash("sha256").update(restatedOrder.map((k) => fields[k] ?? "").join("") + "12345678").digest("hex");

function noticeTree(extra: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {
    account: "995149", terminal: "99514901", order_number: "NO1", order_currency: "USD", order_amount: "10.00", order_notes: "", payment_id: chargeId,
    refund_number: "R-1", refund_reference: "", notice_type: "partialRefund", push_status: "1", push_details: "80000:Transaction Approved",
    push_id: refundId, push_dateTime: "2026-01-01 08:00:00", payment_dateTime: "", payment_debitTime: "", payment_cpdTime: "", card_type: "", card_country: "",
    ...extra,
  };
  return { ...fields, signValue: extra.signValue ?? restatedSign(fields) };
}
function shaped(extra: Record<string, string> = {}): BusinessNotice {
  const s = shapeBusinessNotice(noticeTree(extra), "refund");
  if (!s.ok) throw new Error(s.message);
  return s.notice;
}
const payment: Payment = {
  orderNumber: "NO1", storeId: "s", mode: "merchant_scan", method: "WeChatPay_Offline", amount: "10.00", currency: "USD", status: "succeeded",
  version: 3, paymentId: chargeId, createdAt: at, updatedAt: at, history: [],
};
function refund(status: Refund["status"], extra: Partial<Refund> = {}): Refund {
  return { refundNumber: "R-1", orderNumber: "NO1", storeId: "s", amount: "4.00", currency: "USD", status, version: 3, refundId, createdAt: at, updatedAt: at, history: [], ...extra };
}

describe("business notices", () => {
  it("are routed on notice_type: transaction (or none), refund, partialRefund, the published risk types; anything else is unknown", () => {
    expect([undefined, "transaction", "refund", "partialRefund", "chargeBack", "reversal-retrieval", "highRisk", "ARN"].map(noticeKindOf)).toEqual([
      "transaction", "transaction", "refund", "refund", "risk", "risk", "risk", "risk",
    ]);
    for (const bad of ["", "Refund", "abcrefund", "chargeback", "dispute", 7, { a: 1 }]) expect(noticeKindOf(bad)).toBe("unknown");
  });

  it("verify with the assumed sign string, and a moved character breaks it", () => {
    const notice = shaped();
    expect(verifyBusinessNotice(notice, "12345678")).toBe(true);
    expect(verifyBusinessNotice({ ...notice, push_status: "0" }, "12345678")).toBe(false);
    expect(verifyBusinessNotice(notice, "87654321")).toBe(false);
  });

  it("refuse every signed element out of its strict format, naming it", () => {
    const field = (extra: Record<string, string>, kind: "refund" | "risk" = "refund") => {
      const s = shapeBusinessNotice(noticeTree(extra), kind);
      return s.ok ? undefined : s.field;
    };
    expect(field({})).toBeUndefined();
    expect(field({ push_status: "10" })).toBe("push_status");
    // Characters moved across push_status (…042 1 80000: → …04 2 180000:) leave push_details with six digits.
    expect(field({ push_id: refundId.slice(0, -1), push_status: "2", push_details: "180000:Transaction Approved" })).toBe("push_details");
    expect(field({ push_details: "80000:a\nb" })).toBe("push_details");
    expect(field({ payment_id: "24050610154826826091a" })).toBe("payment_id");
    expect(field({ refund_number: "R:1" })).toBe("refund_number");
    expect(field({ refund_number: "" })).toBe("refund_number");
    expect(field({ push_id: "" })).toBe("push_id");
    expect(field({ order_amount: "1e2" })).toBe("order_amount");
    expect(field({ order_currency: "usd" })).toBe("order_currency");
    expect(field({ notice_type: "chargeBack" })).toBe("notice_type");
    expect(field({ notice_type: "chargeBack", refund_number: "", push_id: "" }, "risk")).toBeUndefined();
    // "reversal-" moved into refund_number would make a reversal-retrieval a retrieval: a risk notice names no refund.
    expect(field({ notice_type: "retrieval", refund_number: "reversal-" }, "risk")).toBe("refund_number");
    const missing = shapeBusinessNotice({ ...noticeTree(), push_status: undefined }, "refund");
    expect(missing).toMatchObject({ ok: false, reason: "unparseable" });
  });
});

describe("refundNoticeDecision", () => {
  it("a verified success or failure of the refund's own refund_id moves it, with the gateway's words", () => {
    expect(refundNoticeDecision(shaped(), refund("pending"), payment, store, true)).toEqual({
      action: "transition",
      change: { to: "succeeded", source: "notice", code: "80000", set: { refundId, gateway: { code: "80000", message: "Transaction Approved" } } },
    });
    const failed = shaped({ push_status: "0", push_details: "80103:Refund failed: insufficient balance" });
    expect(refundNoticeDecision(failed, refund("pending"), payment, store, true)).toMatchObject({ action: "transition", change: { to: "failed", code: "80103" } });
    expect(refundNoticeDecision(shaped(), refund("needs_review"), payment, store, true)).toMatchObject({ action: "transition", change: { to: "succeeded" } });
  });

  it("an unverified notice, an unknown or other refund_id, a dispute and a success without 80000 only ask for the refund's query", () => {
    expect(refundNoticeDecision(shaped(), refund("pending"), payment, store, false)).toMatchObject({ action: "query" });
    expect(refundNoticeDecision(shaped(), refund("submitting", { refundId: undefined }), payment, store, true)).toMatchObject({ action: "query", why: "refund does not know its refund_id yet" });
    expect(refundNoticeDecision(shaped({ push_id: "240527141702000000043" }), refund("pending"), payment, store, true)).toMatchObject({ action: "query", why: "notice for another refund_id" });
    expect(refundNoticeDecision(shaped({ push_status: "2" }), refund("pending"), payment, store, true)).toMatchObject({ action: "query" });
    expect(refundNoticeDecision(shaped({ push_details: "" }), refund("pending"), payment, store, true)).toMatchObject({ action: "query", why: "refund success without the approval code" });
    expect(refundNoticeDecision(shaped({ push_details: "80001:Other" }), refund("pending"), payment, store, true)).toMatchObject({ action: "query" });
  });

  it("a final refund is past the news, but a success for a failed one goes to the store (a contradiction)", () => {
    expect(refundNoticeDecision(shaped(), refund("succeeded"), payment, store, true)).toMatchObject({ action: "unchanged" });
    expect(refundNoticeDecision(shaped({ push_status: "0" }), refund("succeeded"), payment, store, false)).toMatchObject({ action: "unchanged" });
    expect(refundNoticeDecision(shaped({ push_status: "0" }), refund("failed"), payment, store, true)).toMatchObject({ action: "unchanged" });
    expect(refundNoticeDecision(shaped(), refund("failed"), payment, store, true)).toMatchObject({ action: "transition", change: { to: "succeeded" } });
  });

  it("rejects a notice that is not about the payment as we sent it, naming what differs", () => {
    const d = (extra: Record<string, string>) => refundNoticeDecision(shaped(extra), refund("pending"), payment, store, true);
    expect(d({ terminal: "99514902" })).toEqual({ action: "reject", reason: "terminal_mismatch" });
    expect(refundNoticeDecision(shaped(), refund("pending"), payment, undefined, true)).toEqual({ action: "reject", reason: "terminal_mismatch" });
    expect(d({ order_currency: "EUR" })).toEqual({ action: "reject", reason: "currency_mismatch" });
    expect(d({ order_amount: "10.01" })).toEqual({ action: "reject", reason: "amount_mismatch" });
    expect(d({ order_amount: "10" })).toMatchObject({ action: "transition" });
    expect(d({ payment_id: "240506101548268260915" })).toEqual({ action: "reject", reason: "attempt_mismatch" });
  });
});
