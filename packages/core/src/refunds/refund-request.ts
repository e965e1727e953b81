import { z } from "zod";
import { Amount } from "../payments/payment-request.js";

export const RefundNumber = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z0-9_-]{1,50}$/, "must be 1-50 characters of A-Z a-z 0-9 _ -");

/** Longest `reason`: it becomes Oceanpayment's `refund_description` (500 there). */
export const refundReasonMaxLength = 200;

/**
 * The body of `POST /v1/payments/{orderNumber}/refunds`. Unknown fields are rejected. The amount's
 * decimals are checked against the payment's currency once the payment is known
 * (`currencyAmountProblem`), as a payment's are against its own.
 */
export const RefundRequest = z.strictObject({
  refundNumber: RefundNumber,
  amount: Amount,
  reason: z.string({ error: "must be a string" }).max(refundReasonMaxLength, `must be at most ${refundReasonMaxLength} characters`).optional(),
});
export type RefundRequest = z.infer<typeof RefundRequest>;
