import { describe, expect, it } from "vitest";
import type { Payment } from "../payments/payment.js";
import type { PaymentDetails } from "./gateway-codes.js";
import { noticeDecision, payAnswerDecision, settlementDecision, voidAnswerDecision } from "./payment-changes.js";
import type { QueryAttempt } from "./query-answer.js";
import { type Settlement, settle } from "./query-outcome.js";
import type { PayResult } from "./response-schemas.js";

const at = "2026-01-01T00:00:00.000Z";
function payment(status: Payment["status"], mode: Payment["mode"] = "merchant_scan", extra: Partial<Payment> = {}): Payment {
  return { orderNumber: "NO1", storeId: "s", mode, method: "WeChatPay_Offline", amount: "1.00", currency: "USD", status, version: 2, createdAt: at, updatedAt: at, history: [], ...extra };
}
function attempt(result: QueryAttempt["result"], code: string, extra: Partial<QueryAttempt> = {}): QueryAttempt {
  return { paymentId: `p-${code}`, result, details: { code, message: "m" }, barCode: "", amount: "1.00", currency: "USD", dateTime: "", signature: "verified", refunds: { readable: true, refunds: [] }, ...extra };
}
/** What `settle` makes of these attempts (newest first); they always settle. */
function settled(...attempts: QueryAttempt[]): Settlement {
  const s = settle({ kind: "attempts", attempts });
  if (s.status === "unclear") throw new Error(s.failure.message);
  return s;
}
const details = (code: string, message = "m"): PaymentDetails => ({ code, message });

describe("settlementDecision (a query's answer)", () => {
  it("any success wins, even behind a newer failure", () => {
    const d = settlementDecision(payment("submitting"), settled(attempt("failed", "20061"), attempt("succeeded", "80000")), "query");
    expect(d).toEqual({ action: "transition", change: expect.objectContaining({ to: "succeeded", code: "80000", set: expect.objectContaining({ paymentId: "p-80000" }) }) });
  });

  it("a voided attempt ends an open payment voided, a submitting one failed", () => {
    const voided = settled(attempt("failed", "80102"));
    expect(settlementDecision(payment("awaiting_customer"), voided, "query")).toMatchObject({ change: { to: "voided" } });
    expect(settlementDecision(payment("submitting"), voided, "query")).toMatchObject({ change: { to: "failed" } });
  });

  it("a pending attempt moves submitting to pending / awaiting_customer with its barCode, and keeps open payments open", () => {
    const pending = settled(attempt("pending", "80100", { barCode: "2024050622001432901441897816" }));
    expect(settlementDecision(payment("submitting", "customer_scan"), pending, "query")).toMatchObject({
      change: { to: "awaiting_customer", set: { paymentId: "p-80100", barCode: "2024050622001432901441897816" } },
    });
    expect(settlementDecision(payment("submitting"), settled(attempt("pending", "80700")), "query")).toMatchObject({ change: { to: "pending" } });
    expect(settlementDecision(payment("pending"), pending, "query")).toEqual({ action: "open" });
  });

  it("no attempt at all is the only answer that allows a resend", () => {
    expect(settlementDecision(payment("submitting"), { status: "no_attempt" }, "query")).toEqual({ action: "no_attempt" });
  });

  it("a success found for a void records that the void lost the race", () => {
    const change = settlementDecision(payment("awaiting_customer"), settled(attempt("succeeded", "80000")), "void");
    expect(change).toMatchObject({ change: { to: "succeeded", source: "void", reason: "void raced a success" } });
    expect(settlementDecision(payment("awaiting_customer"), settled(attempt("failed", "80102")), "void")).toMatchObject({ change: { to: "voided", source: "void" } });
    expect(settlementDecision(payment("awaiting_customer"), settled(attempt("failed", "80102")), "void")).not.toHaveProperty("change.reason");
  });
});

describe("payAnswerDecision", () => {
  it("records a definite result with the attempt and the gateway's words", () => {
    expect(payAnswerDecision({ kind: "succeeded", paymentId: "9", details: details("80000", "Transaction Approved") })).toEqual({
      action: "transition",
      change: { to: "succeeded", source: "payer", code: "80000", set: { paymentId: "9", gateway: { code: "80000", message: "Transaction Approved" } } },
    });
    expect(payAnswerDecision({ kind: "failed", code: "10000", paymentId: "", details: details("10000") })).toEqual({
      action: "transition",
      change: { to: "failed", source: "payer", code: "10000", set: { gateway: { code: "10000", message: "m" } } },
    });
    expect(payAnswerDecision({ kind: "awaiting_customer", paymentId: "9", barCode: "2024", details: details("") })).toMatchObject({
      change: { to: "awaiting_customer", set: { paymentId: "9", barCode: "2024" } },
    });
  });

  it("a request refused as sent fails the payment; 20061 and ambiguity are settled by query; no answer is asked again", () => {
    expect(payAnswerDecision({ kind: "rejected", code: "20013", details: details("20013") })).toMatchObject({
      change: { to: "failed", code: "20013", reason: "request refused by the gateway" },
    });
    expect(payAnswerDecision({ kind: "duplicate_order", details: details("20061") })).toEqual({ action: "query", why: "duplicate_order" });
    expect(payAnswerDecision({ kind: "ambiguous", reason: "gateway_timeout", message: "80031" })).toEqual({ action: "query", why: "ambiguous" });
    const failure = { kind: "retryable", reason: "not_sent", message: "refused" } as const;
    expect(payAnswerDecision(failure)).toEqual({ action: "unanswered", failure });
  });
});

describe("voidAnswerDecision", () => {
  it("only the gateway's confirmation voids; a refusal or an unclear answer is settled by query", () => {
    expect(voidAnswerDecision({ kind: "voided", details: details("80102", "Order voided") })).toEqual({
      action: "transition",
      change: { to: "voided", source: "void", code: "80102", set: { gateway: { code: "80102", message: "Order voided" } } },
    });
    expect(voidAnswerDecision({ kind: "refused", code: "20070", details: details("20070") })).toMatchObject({ action: "query" });
    expect(voidAnswerDecision({ kind: "ambiguous", reason: "mismatch", message: "other order" })).toMatchObject({ action: "query" });
    expect(voidAnswerDecision({ kind: "rejected", code: "20013", details: details("20013") })).toEqual({ action: "refused", code: "20013" });
  });
});

describe("noticeDecision", () => {
  const terminal = { account: "995149", terminal: "99514901" };
  function notice(fields: Partial<PayResult>): PayResult {
    return {
      account: "995149", terminal: "99514901", signValue: "", order_number: "NO1", order_currency: "USD", order_amount: "1.00", order_notes: "",
      card_number: "", payment_id: "77", payment_authType: "0", payment_status: "1", payment_details: "80000:Transaction Approved",
      payment_risk: "", methods: "", pay_barCode: "", ...fields,
    };
  }
  const known = payment("awaiting_customer", "customer_scan", { paymentId: "77" });

  it("a plain approval of the attempt the payment knows moves it to succeeded", () => {
    expect(noticeDecision(notice({}), details("80000", "Transaction Approved"), known, terminal)).toEqual({
      action: "transition",
      change: { to: "succeeded", source: "notice", code: "80000", set: { gateway: { code: "80000", message: "Transaction Approved" }, paymentId: "77" } },
    });
  });

  it("anything less only asks for a query: unknown attempt, another attempt, text after the approval, a failure", () => {
    const approval = details("80000", "Transaction Approved");
    expect(noticeDecision(notice({}), approval, payment("submitting"), terminal)).toMatchObject({ action: "query" });
    expect(noticeDecision(notice({ payment_id: "78" }), approval, known, terminal)).toMatchObject({ action: "query", why: "notice for another attempt" });
    expect(noticeDecision(notice({ payment_risk: "x" }), approval, known, terminal)).toMatchObject({ action: "query" });
    expect(noticeDecision(notice({ payment_status: "0", payment_details: "80102:Order voided" }), details("80102"), known, terminal)).toMatchObject({ action: "query" });
  });

  it("20061 is ignored, a pending notice or news for a final payment changes nothing", () => {
    expect(noticeDecision(notice({ payment_status: "0", payment_details: "20061:dup" }), details("20061"), known, terminal)).toMatchObject({ action: "ignore" });
    expect(noticeDecision(notice({ payment_status: "-1", payment_details: "" }), details(""), known, terminal)).toMatchObject({ action: "unchanged" });
    expect(noticeDecision(notice({ payment_status: "0" }), details("10000"), payment("failed", "merchant_scan", { paymentId: "77" }), terminal)).toMatchObject({ action: "unchanged" });
  });

  it("a notice not about the payment as we sent it is rejected, naming what differs", () => {
    const approval = details("80000", "Transaction Approved");
    expect(noticeDecision(notice({}), approval, known, undefined)).toEqual({ action: "reject", reason: "terminal_mismatch" });
    expect(noticeDecision(notice({ terminal: "99514902" }), approval, known, terminal)).toEqual({ action: "reject", reason: "terminal_mismatch" });
    expect(noticeDecision(notice({ order_amount: "1.01" }), approval, known, terminal)).toEqual({ action: "reject", reason: "amount_mismatch" });
    expect(noticeDecision(notice({ order_currency: "EUR" }), approval, known, terminal)).toEqual({ action: "reject", reason: "currency_mismatch" });
    expect(noticeDecision(notice({ order_notes: "x" }), approval, known, terminal)).toEqual({ action: "reject", reason: "notes_mismatch" });
  });
});
