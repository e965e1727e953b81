import {
  type CredentialsLookup,
  type FormFields,
  type OfflineMethod,
  amountToCents,
  checkSigned,
  isCurrency,
  isNoticeUrl,
  isOfflineMethod,
  isOrderNumber,
  methodOfPaymentCode,
} from "./field-rules.js";
import { type ResultCode, resultCodes } from "./result-codes.js";

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

// The client normalises billing names and email before signing (trimmed, no `" < > '`, ≤ 50
// characters); an emulator that accepted anything else would hide a client bug.
const billingSigned = ["billing_firstName", "billing_lastName", "billing_email"] as const;

/** Validates a pay request field by field, answering the first failing rule's code. */
export function checkPayRequest(fields: FormFields, lookup: CredentialsLookup): PayCheck {
  const signed = checkSigned(fields, lookup, "payRequest");
  if (!signed.ok) return signed;
  const fail = (result: ResultCode): PayCheck => ({ ok: false, result, secureCode: signed.secureCode });

  const orderNumber = fields.order_number;
  if (!isOrderNumber(orderNumber)) return fail(resultCodes.invalidOrderNumber);
  const currency = fields.order_currency;
  if (!isCurrency(currency)) return fail(resultCodes.invalidCurrency);
  const amount = fields.order_amount;
  if (amountToCents(amount) === undefined || amount === undefined) return fail(resultCodes.invalidAmount);
  const noticeUrl = fields.noticeUrl ?? "";
  if (!isNoticeUrl(noticeUrl)) return fail(resultCodes.invalidNoticeUrl);
  for (const name of billingSigned) {
    const value = fields[name] ?? "";
    if (value.length > 50 || /["<>']/.test(value) || value !== value.trim()) return fail(resultCodes.invalidBilling);
  }

  const methods = fields.methods ?? "";
  const code = fields.pay_accountNumber ?? "";
  let mode: PayMode;
  let method: OfflineMethod;
  if (code !== "") {
    const inferred = methodOfPaymentCode(code);
    if (!inferred) return fail(resultCodes.invalidPaymentCode);
    // The documented merchant-scan request sends `methods` empty; a method that contradicts the
    // code's wallet is a client bug worth surfacing.
    if (methods !== "" && methods !== inferred) return fail(resultCodes.invalidMethods);
    mode = "merchant_scan";
    method = inferred;
  } else {
    if (!isOfflineMethod(methods)) return fail(resultCodes.invalidMethods);
    mode = "customer_scan";
    method = methods;
  }

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
      mode,
      method,
      scriptDigit: mode === "merchant_scan" ? Number(code.slice(-1)) : undefined,
    },
  };
}
