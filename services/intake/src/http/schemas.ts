import { ErrorBodySchema, namedResponse, openApiSchemaRegistry } from "@oceanpos/core/http";
import { Payment, PaymentRequest } from "@oceanpos/core/payments";
import { Refund, RefundRequest } from "@oceanpos/core/refunds";
import { z } from "zod";

/** Schemas of the intake API: parsed by the handlers and rendered into the OpenAPI document. */

/**
 * The schemas the OpenAPI document names (`components.schemas`, referenced by `$ref`), so that
 * generated SDKs get named types: only these exact instances are named (a `.describe()` copy is
 * rendered inline; describe a response with `namedResponse` instead).
 */
export const openApiSchemas = openApiSchemaRegistry();

/** The contract's error body, shared by every service's document. */
export const ErrorBody = ErrorBodySchema;

// The parameters of the routes about one payment, shared with the review routes (core's review module).
export { OrderNumberParams, RefundParams, StoreQuery } from "@oceanpos/core/review";

export const RefundList = z.object({ data: z.array(Refund).describe("The payment's refunds, oldest first") });

openApiSchemas.add(Payment, { id: "Payment" });
openApiSchemas.add(PaymentRequest, { id: "PaymentRequest" });
openApiSchemas.add(ErrorBody, { id: "Error" });
openApiSchemas.add(Refund, { id: "Refund" });
openApiSchemas.add(RefundRequest, { id: "RefundRequest" });
openApiSchemas.add(RefundList, { id: "RefundList" });

export const PreferHeaders = z.object({
  prefer: z
    .string()
    .optional()
    .describe("`wait=N` (N ≤ 30): hold the answer until the payment has an outcome, 202 if N seconds run out"),
});

export const maxBatchSize = 500;

/** What the batch handler parses: items are validated one by one so one bad item fails alone. */
export const BatchEnvelope = z.strictObject({
  payments: z
    .array(z.unknown(), { error: "must be an array of payment requests" })
    .min(1, "must list at least one payment")
    .max(maxBatchSize, `must list at most ${maxBatchSize} payments`),
});

/** The documented form of the batch body. */
export const BatchRequest = z.strictObject({ payments: z.array(PaymentRequest).min(1).max(maxBatchSize) });

export const BatchResult = z.object({
  orderNumber: z.string().nullable(),
  status: z.union([z.literal(202), z.literal(200), z.literal(409), z.literal(400)]),
  payment: Payment.optional(),
  error: ErrorBody.shape.error.omit({ requestId: true }).optional(),
});
export type BatchResult = z.infer<typeof BatchResult>;

export const BatchResponse = z.object({ results: z.array(BatchResult) });

openApiSchemas.add(BatchRequest, { id: "BatchRequest" });
openApiSchemas.add(BatchResult, { id: "BatchResult" });
openApiSchemas.add(BatchResponse, { id: "BatchResponse" });

export const errorResponses = {
  400: namedResponse(ErrorBody, "invalid_request: every failing field is listed in issues"),
  401: namedResponse(ErrorBody, "unauthorized"),
  429: namedResponse(ErrorBody, "rate_limited (see Retry-After)"),
  503: namedResponse(ErrorBody, "unavailable: the message says whether the request changed nothing or its outcome is unknown; retry with the same body"),
} as const;

export { Payment, PaymentRequest, Refund, RefundRequest };
