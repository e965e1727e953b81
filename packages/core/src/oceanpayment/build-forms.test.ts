import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildPayForm, type PayInput } from "./build-pay-form.js";
import { buildQueryForm } from "./build-query-form.js";
import { buildRefundForm } from "./build-refund-form.js";
import { buildVoidForm } from "./build-void-form.js";
import { GatewayRequestInvalidError } from "./errors.js";
import { encodeForm, formValue, type FormFields } from "./form-fields.js";

// Independent of signature.ts: the documented rule, written out.
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const credentials = { account: "995149", terminal: "99514901", secureCode: "12345678" };
const weChatCode = "134567890123456789";

function sample(overrides: Partial<PayInput> = {}): PayInput {
  return {
    credentials,
    noticeUrl: "https://pos.example.com/notices/oceanpayment",
    orderNumber: "NO12345678",
    currency: "USD",
    amount: "0.01",
    billing: { firstName: "test", lastName: "test", email: "test@gmail.com" },
    items: [{ name: "Coffee", sku: "C-1", price: "0.01", quantity: 1 }],
    scan: { mode: "merchant_scans", paymentCode: weChatCode },
    ...overrides,
  };
}

const names = (fields: FormFields) => fields.map(([name]) => name);

describe("buildPayForm", () => {
  it("signs the documented sample with the literal signValue from the protocol page", () => {
    expect(formValue(buildPayForm(sample()), "signValue")).toBe(
      "1207df556240d2c70c63f89d978a5dbfcaa3c9780c8c6bd36779bf526ca10342",
    );
  });

  it("lists the fields in the wire page order, merchant scan with pay_accountNumber and empty methods", () => {
    const form = buildPayForm(sample());
    expect(names(form)).toEqual([
      "account", "terminal", "signValue", "noticeUrl", "order_number", "order_currency", "order_amount", "methods",
      "order_notes", "billing_firstName", "billing_lastName", "billing_email", "billing_phone", "billing_country",
      "billing_state", "billing_city", "billing_address", "billing_zip", "billing_ip", "productNum", "productName",
      "productSku", "productPrice", "pay_accountNumber",
    ]);
    expect(formValue(form, "methods")).toBe("");
    expect(formValue(form, "pay_accountNumber")).toBe(weChatCode);
  });

  it("customer scan sends the offline method and no pay_accountNumber", () => {
    const form = buildPayForm(sample({ scan: { mode: "customer_scans", method: "Alipay_Offline" } }));
    expect(formValue(form, "methods")).toBe("Alipay_Offline");
    expect(names(form)).not.toContain("pay_accountNumber");
  });

  it("signs and sends the very same normalised billing strings", () => {
    const long = "x".repeat(60);
    const form = buildPayForm(sample({ billing: { firstName: `  "Jo<hn>' `, lastName: long, email: ` <${long}@e.com> ` } }));
    expect(formValue(form, "billing_firstName")).toBe("John");
    expect(formValue(form, "billing_lastName")).toBe("x".repeat(50));
    expect(formValue(form, "billing_email")).toBe("x".repeat(50));
    // The hash over what is *sent* must equal the signValue that is sent.
    const sent = ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"]
      .map((name) => formValue(form, name) ?? "")
      .join("");
    expect(formValue(form, "signValue")).toBe(sha256(`${sent}12345678`));
    expect(sent).toBe(`99514999514901NO12345678USD0.01John${"x".repeat(100)}`);
    // And the encoded body carries them unchanged.
    expect(new URLSearchParams(encodeForm(form)).get("billing_firstName")).toBe("John");
  });

  it("joins items with semicolons, as Oceanpayment's plugins do, and keeps prices as strings", () => {
    const form = buildPayForm(
      sample({
        items: [
          { name: "Tea; large, hot", sku: "T-1", price: "3.10", quantity: 2 },
          { name: "Cake", sku: "K;9", price: "0", quantity: 1 },
        ],
      }),
    );
    expect(formValue(form, "productNum")).toBe("2;1");
    expect(formValue(form, "productName")).toBe("Tea  large, hot;Cake");
    expect(formValue(form, "productSku")).toBe("T-1;K 9");
    expect(formValue(form, "productPrice")).toBe("3.10;0");
  });

  it.each([
    ["amount 0", { amount: "0" }],
    ["float-looking amount", { amount: "0.001" }],
    ["currency", { currency: "usd" }],
    ["order number with comma", { orderNumber: "A,B" }],
    ["order number too long", { orderNumber: "N".repeat(51) }],
    ["no items", { items: [] }],
    ["item price", { items: [{ name: "a", sku: "b", price: "1.999", quantity: 1 }] }],
    ["item quantity", { items: [{ name: "a", sku: "b", price: "1", quantity: 0 }] }],
    ["payment code", { scan: { mode: "merchant_scans", paymentCode: "123" } }],
    ["account", { credentials: { ...credentials, account: "12" } }],
  ] as const)("refuses an invalid %s before sending", (_label, override) => {
    expect(() => buildPayForm(sample(override as Partial<PayInput>))).toThrow(GatewayRequestInvalidError);
  });

  it("never repeats the payment code in a validation error", () => {
    const code = "99999999";
    try {
      buildPayForm(sample({ scan: { mode: "merchant_scans", paymentCode: code } }));
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(code);
    }
  });
});

describe("order management forms", () => {
  it("query joins 1–100 order numbers and signs the joined string", () => {
    const form = buildQueryForm(credentials, ["A1", "B2"]);
    expect(form).toEqual([
      ["account", "995149"],
      ["terminal", "99514901"],
      ["order_number", "A1,B2"],
      ["signValue", sha256("99514999514901A1,B212345678")],
    ]);
  });

  it("query refuses 0, 101 or duplicate order numbers", () => {
    expect(() => buildQueryForm(credentials, [])).toThrow(GatewayRequestInvalidError);
    expect(() => buildQueryForm(credentials, Array.from({ length: 101 }, (_, i) => `N${i}`))).toThrow(GatewayRequestInvalidError);
    expect(() => buildQueryForm(credentials, ["A", "A"])).toThrow(GatewayRequestInvalidError);
    expect(buildQueryForm(credentials, Array.from({ length: 100 }, (_, i) => `N${i}`))).toHaveLength(4);
  });

  it("void sends payment_authType=3 and signs it", () => {
    expect(buildVoidForm(credentials, "NO1")).toEqual([
      ["account", "995149"],
      ["terminal", "99514901"],
      ["order_number", "NO1"],
      ["payment_authType", "3"],
      ["signValue", sha256("99514999514901NO1312345678")],
    ]);
  });

  it("refund reproduces the published vector; refund_number is sent but not signed", () => {
    const postman = { account: "995378", terminal: "99537801", secureCode: "12345678" };
    const input = { credentials: postman, paymentId: "231220170723834010513", refundNumber: "R1", refundType: "full", amount: "0.1", description: "ProductDamage" } as const;
    const form = buildRefundForm(input);
    expect(names(form)).toEqual(["account", "terminal", "payment_id", "refund_number", "refund_type", "refund_amount", "refund_description", "signValue"]);
    expect(formValue(form, "refund_number")).toBe("R1");
    expect(formValue(form, "signValue")).toBe("c719beb74b87d4f200a1c9c42aa87d3ecdab6b78aa9f2f4f9a126b16cb1d4a91");
    expect(formValue(buildRefundForm({ ...input, refundNumber: "R2" }), "signValue")).toBe(formValue(form, "signValue"));
    const partial = buildRefundForm({ credentials, paymentId: "P1", refundNumber: "R1", refundType: "partial", amount: "1.50", description: "broken cup" });
    expect(formValue(partial, "refund_type")).toBe("2");
    expect(formValue(partial, "signValue")).toBe(sha256("99514999514901P121.50broken cup12345678"));
    expect(() => buildRefundForm({ credentials, paymentId: "P1", refundNumber: "R1", refundType: "full", amount: "0" })).toThrow(
      GatewayRequestInvalidError,
    );
  });
});
