import { isDecimalAmount } from "../payments/money.js";
import type { FormFields } from "./form-fields.js";
import { normalizeBilling, type PayBilling } from "./normalize-billing.js";
import {
  checkCredentials,
  checkCurrency,
  checkCurrencyDecimals,
  checkMaxLength,
  checkNotEmpty,
  checkOrderNumber,
  checkPositiveAmount,
  invalidRequest,
  type OceanpaymentCredentials,
} from "./request-validation.js";
import { sign } from "./signature.js";

/** One line of the order. `price` is a decimal string (never a number); `quantity` a count. */
export interface PayItem {
  name: string;
  sku: string;
  price: string;
  quantity: number;
}

/** Wallet methods for "customer scans the merchant" (`Alipay_Offline` is unconfirmed). */
export type OfflineMethod = "WeChatPay_Offline" | "Alipay_Offline";

/**
 * How the wallet meets the terminal:
 * - `merchant_scans`: the POS scanned the customer's payment code, sent as `pay_accountNumber`
 *   with `methods` empty;
 * - `customer_scans`: the gateway returns a `pay_barCode` for the customer to scan.
 */
export type PayScan =
  | { mode: "merchant_scans"; paymentCode: string }
  | { mode: "customer_scans"; method: OfflineMethod };

export interface PayInput {
  credentials: OceanpaymentCredentials;
  /** Where Oceanpayment posts the transaction notice; at most 500 characters. */
  noticeUrl: string;
  /** 1–50 characters, unique per payment: it is the idempotency key at the gateway (20061). */
  orderNumber: string;
  /** ISO 4217, e.g. `USD`. */
  currency: string;
  /** Decimal string, at most 2 decimals, greater than 0. */
  amount: string;
  notes?: string;
  billing: PayBilling;
  items: readonly PayItem[];
  scan: PayScan;
}

/** WeChat: 18 digits starting 10–15; Alipay: 16–24 digits starting 25–30 (docs/oceanpayment-wire.md). */
const paymentCodePattern = /^(1[0-5]\d{16}|(2[5-9]|30)\d{14,22})$/;

/**
 * Several products are joined with `;`, as Oceanpayment's own plugins do. A `;` inside a name or
 * SKU would shift every later item, so it becomes a space.
 */
export const productSeparator = ";";

function itemText(value: string): string {
  return value.replaceAll(productSeparator, " ").trim();
}

function checkItems(items: readonly PayItem[], currency: string): void {
  if (items.length === 0) invalidRequest("items", "at least one item is required");
  for (const [index, item] of items.entries()) {
    if (!isDecimalAmount(item.price)) invalidRequest(`items[${index}].price`, "must be a decimal string with at most 2 decimals");
    checkCurrencyDecimals(`items[${index}].price`, item.price, currency);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      invalidRequest(`items[${index}].quantity`, "must be a positive integer");
    }
  }
}

/**
 * The `directservice/pay` form, in the wire page's field order, signed over the normalised values
 * that are sent (`payRequest` order, secureCode last). Throws `GatewayRequestInvalidError` before
 * anything is sent when a field breaks the gateway's rules.
 */
export function buildPayForm(input: PayInput): FormFields {
  checkCredentials(input.credentials);
  checkOrderNumber("order_number", input.orderNumber);
  checkCurrency(input.currency);
  checkPositiveAmount("order_amount", input.amount, input.currency);
  checkNotEmpty("noticeUrl", input.noticeUrl);
  checkMaxLength("noticeUrl", input.noticeUrl, 500);
  checkItems(input.items, input.currency);
  if (input.scan.mode === "merchant_scans" && !paymentCodePattern.test(input.scan.paymentCode)) {
    // The code itself is a bearer credential: the message must not repeat it.
    invalidRequest("pay_accountNumber", "is not a WeChat Pay or Alipay payment code");
  }

  const billing = normalizeBilling(input.billing);
  const { account, terminal, secureCode } = input.credentials;
  const signed = {
    account,
    terminal,
    order_number: input.orderNumber,
    order_currency: input.currency,
    order_amount: input.amount,
    billing_firstName: billing.firstName,
    billing_lastName: billing.lastName,
    billing_email: billing.email,
  };

  const fields: Array<readonly [string, string]> = [
    ["account", account],
    ["terminal", terminal],
    ["signValue", sign("payRequest", signed, secureCode)],
    ["noticeUrl", input.noticeUrl],
    ["order_number", signed.order_number],
    ["order_currency", signed.order_currency],
    ["order_amount", signed.order_amount],
    ["methods", input.scan.mode === "customer_scans" ? input.scan.method : ""],
    ["order_notes", input.notes ?? ""],
    ["billing_firstName", signed.billing_firstName],
    ["billing_lastName", signed.billing_lastName],
    ["billing_email", signed.billing_email],
    ["billing_phone", billing.phone],
    ["billing_country", billing.country],
    ["billing_state", billing.state],
    ["billing_city", billing.city],
    ["billing_address", billing.address],
    ["billing_zip", billing.zip],
    ["billing_ip", billing.ip],
    ["productNum", input.items.map((item) => String(item.quantity)).join(productSeparator)],
    ["productName", input.items.map((item) => itemText(item.name)).join(productSeparator)],
    ["productSku", input.items.map((item) => itemText(item.sku)).join(productSeparator)],
    ["productPrice", input.items.map((item) => item.price).join(productSeparator)],
  ];
  // Mode 2 sends no pay_accountNumber at all (not an empty one), as the wire page lists it.
  if (input.scan.mode === "merchant_scans") fields.push(["pay_accountNumber", input.scan.paymentCode]);
  return fields;
}
