import { ErrorBodySchema, namedResponse, openApiSchemaRegistry } from "@oceanpos/core/http";
import { Payment } from "@oceanpos/core/payments";
import { Refund } from "@oceanpos/core/refunds";
import { z } from "zod";

/** The schemas the OpenAPI document names (`components.schemas`), so that generated SDKs get named types. */
export const openApiSchemas = openApiSchemaRegistry();

/** The contract's error body, shared by every service's document. */
export const ErrorBody = ErrorBodySchema;

export const errorResponses = {
  400: namedResponse(ErrorBody, "invalid_request: every bad parameter is named in issues"),
  401: namedResponse(ErrorBody, "unauthorized"),
  403: namedResponse(ErrorBody, "forbidden: a store key naming another store"),
  503: namedResponse(ErrorBody, "unavailable: the archive cannot be read now; retry"),
} as const;

const nextCursor = z.string().nullable().describe("The next page (the same filters and `cursor=`), null on the last");

/** A page of `GET /v1/payments`. */
export const PaymentList = z.object({ data: z.array(Payment), nextCursor });

/** A page of `GET /v1/refunds`. */
export const RefundList = z.object({ data: z.array(Refund), nextCursor });

openApiSchemas.add(ErrorBody, { id: "Error" });
openApiSchemas.add(Payment, { id: "Payment" });
openApiSchemas.add(Refund, { id: "Refund" });
openApiSchemas.add(PaymentList, { id: "PaymentList" });
openApiSchemas.add(RefundList, { id: "RefundList" });
