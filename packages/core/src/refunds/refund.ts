import { z } from "zod";
import { HistoryEntry } from "../payments/payment.js";
import { refundStatuses } from "./refund-status.js";

export const RefundStatusSchema = z.enum(refundStatuses);

/** One step of a refund's history; `refundId` names the gateway refund a step is about when it is not the resource's (a contradicting success). */
export const RefundHistoryEntry = HistoryEntry.omit({ paymentId: true }).extend({
  status: RefundStatusSchema,
  refundId: z.string().optional(),
});
export type RefundHistoryEntry = z.infer<typeof RefundHistoryEntry>;

/**
 * The refund resource of the public API (also the `data` of every `refund.*` event). `amount` is
 * in the payment's `currency`, with at most its decimals; `refundId` is Oceanpayment's, known
 * once applyRefund filed it; absent fields are left out, as in the payment resource.
 */
export const Refund = z.object({
  refundNumber: z.string(),
  orderNumber: z.string(),
  storeId: z.string(),
  amount: z.string(),
  currency: z.string(),
  reason: z.string().optional(),
  status: RefundStatusSchema,
  version: z.number().int().min(1),
  refundId: z.string().optional(),
  gateway: z.object({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(RefundHistoryEntry),
});
export type Refund = z.infer<typeof Refund>;
