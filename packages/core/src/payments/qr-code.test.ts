import { describe, expect, it } from "vitest";
import type { TransitionChange } from "./payment-store.js";
import { qrCodePath, withQrCode } from "./qr-code.js";

describe("withQrCode", () => {
  it("gives a change that learns a barCode the intake's QR path, between the barCode and the gateway's words", () => {
    const change: TransitionChange = {
      to: "awaiting_customer",
      source: "query",
      set: { paymentId: "7", barCode: "2024050622001432901441897816", gateway: { code: "80100", message: "m" } },
    };
    const { set } = withQrCode(change, "NO 1");
    expect(set).toMatchObject({ barCode: "2024050622001432901441897816", qrCode: qrCodePath("NO 1") });
    expect(Object.keys(set ?? {})).toEqual(["paymentId", "barCode", "qrCode", "gateway"]);
    expect(qrCodePath("NO 1")).toBe("/v1/payments/NO%201/qr.svg");
  });

  it("leaves any other change as it is", () => {
    const change = { to: "succeeded" as const, source: "payer" as const, set: { paymentId: "7" } };
    expect(withQrCode(change, "NO1")).toBe(change);
  });
});
