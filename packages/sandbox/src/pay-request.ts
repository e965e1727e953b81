import { billingRule, gatewayBilling } from "./billing-rules.js";
import {
  type CredentialsLookup,
  type FormFields,
  type OfflineMethod,
  amountRule,
  currencyRule,
  isOfflineMethod,
  methodOfPaymentCode,
  noticeUrlRule,
  orderNumberRule,
} from "./field-rules.js";
import { productLines } from "./product-rules.js";
import { type ResultCode, resultCodes } from "./result-codes.js";
import { checkSigned } from "./signed-request.js";

export type PayMode = "merchant_scan" | "customer_scan";

/** A validated `POST /gateway/directservice/pay`. The payment code itself is not kept. */
export interface PayRequest {
  account: string;
  terminal: string;
  orderNumber: string;
  currency: string;
  amount: string;
  notes: string;
  noticeUrl: string;
  mode: PayMode;
  method: OfflineMethod;
  /** merchant_scan only: the last digit of the scanned code, which scripts the outcome. */
  scriptDigit: number | undefined;
}

export type PayCheck =
  | { ok: true; request: PayRequest; secureCode: string }
  | { ok: false; result: ResultCode; secureCode: string | undefined };

/**
 * Validates a pay request, answering the first failing rule's code: credentials and signature
 * (over the billing values the gateway cleans), then order number, currency, amount for that
 * currency, noticeUrl, billing, the wallet (method or payment code) and the products.
 */
export function checkPayRequest(fields: FormFields, lookup: CredentialsLookup): PayCheck {
  const billing = gatewayBilling(fields);
  const signed = checkSigned(fields, lookup, "payRequest", billing);
  if (!signed.ok) return signed;

  const fail = (result: ResultCode): PayCheck => ({ ok: false, result, secureCode: signed.secureCode });
  const orderNumber = fields.order_number ?? "";
  const currency = fields.order_currency ?? "";
  const amount = fields.order_amount ?? "";
  const noticeUrl = fields.noticeUrl ?? "";
  const broken =
    orderNumberRule(orderNumber) ?? currencyRule(currency) ?? amountRule(amount, currency) ?? noticeUrlRule(noticeUrl) ?? billingRule(billing);
  if (broken) return fail(broken);
  const wallet = walletOf(fields);
  if ("code" in wallet) return fail(wallet);
  const products = productLines(fields);
  if (!Array.isArray(products)) return fail(products);

  return {
    ok: true,
    secureCode: signed.secureCode,
    request: {
      account: signed.account,
      terminal: signed.terminal,
      orderNumber,
      currency,
      amount,
      notes: fields.order_notes ?? "",
      noticeUrl,
      ...wallet,
    },
  };
}

type Wallet = { mode: PayMode; method: OfflineMethod; scriptDigit: number | undefined };

/**
 * merchant_scan when a payment code is sent (`methods` empty as documented, or the code's own
 * wallet), customer_scan otherwise (`methods` must name an offline wallet).
 */
function walletOf(fields: FormFields): Wallet | ResultCode {
  const methods = fields.methods ?? "";
  const code = fields.pay_accountNumber ?? "";
  if (code === "") {
    if (!isOfflineMethod(methods)) return resultCodes.invalidMethods;
    return { mode: "customer_scan", method: methods, scriptDigit: undefined };
  }
  const inferred = methodOfPaymentCode(code);
  if (!inferred) return resultCodes.invalidPaymentCode;
  // A method that contradicts the code's wallet is a client bug worth surfacing.
  if (methods !== "" && methods !== inferred) return resultCodes.invalidMethods;
  return { mode: "merchant_scan", method: inferred, scriptDigit: Number(code.slice(-1)) };
}
