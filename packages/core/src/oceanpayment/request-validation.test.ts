import { describe, expect, it } from "vitest";
import { buildPayForm, type PayInput } from "./build-pay-form.js";
import { GatewayRequestInvalidError } from "./errors.js";
import { checkCurrencyDecimals, checkPositiveAmount } from "./request-validation.js";

/** A payment that slipped past the API's own validation must still never be sent. */
function jpyPayment(overrides: Partial<PayInput> = {}): PayInput {
  return {
    credentials: { account: "995149", terminal: "99514901", secureCode: "12345678" },
    noticeUrl: "https://pos.example.com/notices/oceanpayment",
    orderNumber: "NO12345678",
    currency: "JPY",
    amount: "1250",
    billing: { firstName: "test", lastName: "test", email: "test@gmail.com" },
    items: [{ name: "Coffee", sku: "C-1", price: "1250", quantity: 1 }],
    scan: { mode: "merchant_scans", paymentCode: "134567890123456789" },
    ...overrides,
  };
}

function refusal(build: () => unknown): GatewayRequestInvalidError {
  try {
    build();
  } catch (err) {
    if (err instanceof GatewayRequestInvalidError) return err;
    throw err;
  }
  throw new Error("the request was not refused");
}

describe("amounts per currency in gateway requests", () => {
  it("builds a whole-yen payment", () => {
    expect(() => buildPayForm(jpyPayment())).not.toThrow();
  });

  it("refuses a JPY order amount with decimals before anything is signed or sent", () => {
    const err = refusal(() => buildPayForm(jpyPayment({ amount: "12.50", items: [{ name: "Coffee", sku: "C-1", price: "12", quantity: 1 }] })));
    expect(err.field).toBe("order_amount");
    expect(err.message).toBe("order_amount: JPY amounts are whole numbers");
  });

  it("refuses a JPY item price with decimals", () => {
    const err = refusal(() => buildPayForm(jpyPayment({ items: [{ name: "Coffee", sku: "C-1", price: "0.50", quantity: 1 }] })));
    expect(err.field).toBe("items[0].price");
  });

  it("offers the same checks to other requests (refunds)", () => {
    expect(refusal(() => checkPositiveAmount("refund_amount", "5.5", "KRW")).field).toBe("refund_amount");
    expect(() => checkPositiveAmount("refund_amount", "5.50", "USD")).not.toThrow();
    expect(() => checkCurrencyDecimals("refund_amount", "5", "JPY")).not.toThrow();
  });
});
