import { z } from "zod";
import { paymentStatuses } from "./payment-status.js";
import { Customer, Item, PaymentMethodSchema, PaymentMode } from "./payment-request.js";

export const PaymentStatusSchema = z.enum(paymentStatuses);

/** Who caused a transition. */
export const TransitionSource = z.enum(["intake", "payer", "notice", "query", "void", "operator"]);
export type TransitionSource = z.infer<typeof TransitionSource>;

export const HistoryEntry = z.object({
  status: PaymentStatusSchema,
  at: z.string(),
  source: TransitionSource,
  /** Gateway code behind this step, when there is one (e.g. 80000, 20061). */
  code: z.string().optional(),
  /** Why, in words, when it is not obvious from the status (e.g. "void raced a success"). */
  reason: z.string().optional(),
  /** The gateway attempt this step is about, when it is not the resource's (a contradicting success). */
  paymentId: z.string().optional(),
  /** The operator who made this step (`source: "operator"`: a resolve by hand). */
  operator: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The payment resource of the public API (also the `data` of every event). */
export const Payment = z.object({
  orderNumber: z.string(),
  storeId: z.string(),
  mode: PaymentMode,
  method: PaymentMethodSchema,
  amount: z.string(),
  currency: z.string(),
  /**
   * Sum of the payment's succeeded refunds, and what a new refund may still take (nothing unless
   * `succeeded`), with the currency's decimals. Always present on what `PaymentStore` writes,
   * publishes and reads (`withRefundAmounts`); optional only for the payments callers build.
   */
  refundedAmount: z.string().optional(),
  refundableAmount: z.string().optional(),
  status: PaymentStatusSchema,
  version: z.number().int().min(1),
  paymentId: z.string().optional(),
  barCode: z.string().optional(),
  qrCode: z.string().optional(),
  gateway: z.object({ code: z.string(), message: z.string() }).optional(),
  notes: z.string().optional(),
  customer: Customer.optional(),
  items: z.array(Item).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(HistoryEntry),
});
export type Payment = z.infer<typeof Payment>;
