import { PaymentMethodSchema, paymentStatuses } from "@oceanpos/core/payments";
import { z } from "zod";

/** The contract's refund statuses (refunds come with a later change; the filter is ready). */
export const refundStatuses = ["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"] as const;

/** An instant with its offset (`2024-05-06T10:15:48Z`, `…+08:00`) or a date (`2024-05-06`: midnight UTC). */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date-time with an offset (2024-05-06T00:00:00+08:00) or a date" })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v));

const filterShape = {
  storeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a store id (1-64 of A-Z a-z 0-9 _ -)").optional(),
  method: PaymentMethodSchema.optional(),
  orderNumber: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, "must be 1-50 of A-Z a-z 0-9 _ - (the start of order numbers)").optional(),
  from: instant.optional().describe("createdAt at or after this instant"),
  to: instant.optional().describe("createdAt before this instant"),
  order: z.enum(["desc", "asc"], { error: 'must be "desc" or "asc"' }).default("desc").describe("desc: newest first (default)"),
};

const pageShape = {
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 500" })
    .int("must be a whole number from 1 to 500")
    .min(1, "must be a whole number from 1 to 500")
    .max(500, "must be a whole number from 1 to 500")
    .default(50),
  cursor: z.string().max(1000, "is not a cursor of this list").optional().describe("nextCursor of the previous page"),
};

const fromBeforeTo = <T extends { from?: Date | undefined; to?: Date | undefined }>(q: T) => !q.from || !q.to || q.from < q.to;
const toAfterFrom = { path: ["to"], message: "must be later than from" };

const statusOf = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z.enum(statuses, { error: `must be one of ${statuses.join(", ")}` }).optional();

/** `GET /v1/payments`. Unknown parameters are refused (a typo must not silently widen a list). */
export const PaymentListQuery = z.strictObject({ ...filterShape, status: statusOf(paymentStatuses), ...pageShape }).refine(fromBeforeTo, toAfterFrom);
/** `GET /v1/refunds`: the same filters, on refunds (method: the payment's). */
export const RefundListQuery = z.strictObject({ ...filterShape, status: statusOf(refundStatuses), ...pageShape }).refine(fromBeforeTo, toAfterFrom);
/** `GET /v1/payments/export`: the list's filters, no paging (everything that matches). */
export const PaymentExportQuery = z.strictObject({ ...filterShape, status: statusOf(paymentStatuses) }).refine(fromBeforeTo, toAfterFrom);

/** Filters once the caller's scope is applied (`storeId`: the only store the read may see). */
export interface ListFilters {
  storeId?: string | undefined;
  status?: string | undefined;
  method?: string | undefined;
  orderNumber?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  order: "desc" | "asc";
}
