import { settle, settlementDecision } from "@oceanpos/core/oceanpayment";
import type { Payment } from "@oceanpos/core/payments";
import { describe, expect, it } from "vitest";
import { qrCodePath, withQrCode } from "./qr-code.js";

const at = "2026-01-01T00:00:00.000Z";
const submitting: Payment = {
  orderNumber: "NO 1", storeId: "s", mode: "customer_scan", method: "WeChatPay_Offline", amount: "1.00", currency: "USD",
  status: "submitting", version: 2, createdAt: at, updatedAt: at, history: [],
};

describe("withQrCode", () => {
  it("gives a change that learns a barCode the intake's QR path, between the barCode and the gateway's words", () => {
    const answer = settle({ kind: "attempts", attempts: [{ paymentId: "7", result: "pending", details: { code: "80100", message: "m" }, barCode: "2024050622001432901441897816", amount: "1.00", currency: "USD", dateTime: "", signature: "verified", refunds: { readable: true, refunds: [] } }] });
    if (answer.status === "unclear") throw new Error(answer.failure.message);
    const decision = settlementDecision(submitting, answer, "query");
    if (decision.action !== "transition") throw new Error(`expected a transition, got ${decision.action}`);
    const { set } = withQrCode(decision.change, submitting.orderNumber);
    expect(set).toMatchObject({ barCode: "2024050622001432901441897816", qrCode: qrCodePath("NO 1") });
    expect(Object.keys(set ?? {})).toEqual(["paymentId", "barCode", "qrCode", "gateway"]);
    expect(qrCodePath("NO 1")).toBe("/v1/payments/NO%201/qr.svg");
  });

  it("leaves any other change as it is", () => {
    const change = { to: "succeeded" as const, source: "payer" as const, set: { paymentId: "7" } };
    expect(withQrCode(change, "NO1")).toBe(change);
  });
});
