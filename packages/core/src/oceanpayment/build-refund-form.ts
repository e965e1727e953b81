import type { FormFields } from "./form-fields.js";
import {
  checkCredentials,
  checkMaxLength,
  checkNotEmpty,
  checkOrderNumber,
  checkPositiveAmount,
  invalidRequest,
  type OceanpaymentCredentials,
} from "./request-validation.js";
import { sign } from "./signature.js";

/** Wire values of `refund_type`: 1 full, 2 partial (unconfirmed: kept in this one place). */
export const refundTypeCodes = { full: "1", partial: "2" } as const;

export interface RefundInput {
  credentials: OceanpaymentCredentials;
  /** Oceanpayment `payment_id` of the successful attempt being refunded. */
  paymentId: string;
  /** Our unique id of this refund (same rules as an order number). */
  refundNumber: string;
  refundType: keyof typeof refundTypeCodes;
  /** Decimal string > 0; never more than the captured amount (the caller's ledger checks that). */
  amount: string;
  description?: string;
}

/**
 * The `/service/applyRefund` form, signed in `refundRequest` order. `refund_number` is not part of
 * the published signature (Postman collection): it travels as an unsigned extra field, so the
 * gateway's notice and refund query can name our refund.
 */
export function buildRefundForm(input: RefundInput): FormFields {
  checkCredentials(input.credentials);
  checkNotEmpty("payment_id", input.paymentId);
  checkMaxLength("payment_id", input.paymentId, 64);
  checkOrderNumber("refund_number", input.refundNumber);
  checkPositiveAmount("refund_amount", input.amount);
  const description = input.description ?? "";
  checkMaxLength("refund_description", description, 500);

  const { account, terminal, secureCode } = input.credentials;
  const signed = {
    account,
    terminal,
    payment_id: input.paymentId,
    refund_type: refundTypeCodes[input.refundType],
    refund_amount: input.amount,
    refund_description: description,
  };
  return [
    ["account", account],
    ["terminal", terminal],
    ["payment_id", signed.payment_id],
    ["refund_number", input.refundNumber],
    ["refund_type", signed.refund_type],
    ["refund_amount", signed.refund_amount],
    ["refund_description", signed.refund_description],
    ["signValue", sign("refundRequest", signed, secureCode)],
  ];
}

/** The `/service/queryRefund` form: one refund by the gateway's `refund_id`, signed in `refundQueryRequest` order. */
export function buildRefundQueryForm(credentials: OceanpaymentCredentials, refundId: string): FormFields {
  checkCredentials(credentials);
  if (!/^\d{1,64}$/.test(refundId)) invalidRequest("refund_id", "must be 1-64 digits");
  const { account, terminal, secureCode } = credentials;
  return [
    ["account", account],
    ["terminal", terminal],
    ["refund_id", refundId],
    ["signValue", sign("refundQueryRequest", { account, terminal, refund_id: refundId }, secureCode)],
  ];
}
