import { createHash } from "node:crypto";
import { parsePayResult } from "@oceanpos/core/oceanpayment";
import { describe, expect, it } from "vitest";
import { successNotice } from "./notice.js";

describe("notice signature", () => {
  const p = { orderNumber: "NO12345678", amount: "12.50", currency: "USD", paymentId: "240506101548268260914", method: "WeChatPay_Offline" };

  it("is sha256 over the paymentResult values in order, then the secureCode", () => {
    const xml = successNotice(p);
    const expected = createHash("sha256")
      .update("99514999514901NO12345678USD12.50" + "" + "" + "240506101548268260914" + "0" + "1" + "80000:Transaction Approved" + "" + "12345678")
      .digest("hex");
    expect(xml).toContain(`<signValue>${expected}</signValue>`);
  });

  it("verifies with core's notice parser, and a wrong secureCode does not", () => {
    expect(parsePayResult(successNotice(p), "12345678")).toMatchObject({ ok: true, result: { payment_status: "1", order_number: "NO12345678" } });
    expect(parsePayResult(successNotice(p, "87654321"), "12345678")).toMatchObject({ ok: false, reason: "signature_invalid" });
  });
});
