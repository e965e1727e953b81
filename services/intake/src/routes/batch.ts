import type { PaymentRequest as PaymentRequestType } from "@oceanpos/core/payments";
import type { FastifyInstance } from "fastify";
import { errorBody, InvalidRequestError, namedResponse, parseOrThrow, parseRequest } from "@oceanpos/core/http";
import { BatchEnvelope, BatchRequest, type BatchResult, BatchResponse, ErrorBody, PaymentRequest, errorResponses } from "../http/schemas.js";
import type { RouteContext } from "./route-context.js";

/**
 * `POST /v1/payments/batch`: up to 500 payments in one request, one result per item in request
 * order. Valid items are created in one pipeline round trip and queued with one `addBulk`.
 */
export function registerBatch(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    "/payments/batch",
    {
      schema: {
        operationId: "createPaymentBatch",
        summary: "Accept many payments",
        description:
          "Each item is handled like `POST /v1/payments` and gets its own status (202, 200 replay, 409, 400); " +
          "one bad item does not fail the others. A repeated orderNumber is a replay or conflict of its first use.",
        tags: ["payments"],
        body: BatchRequest,
        response: {
          200: namedResponse(BatchResponse, "Every item's own status and payment or error, in request order"),
          413: namedResponse(ErrorBody, "payload_too_large"),
          415: namedResponse(ErrorBody, "unsupported_media_type"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { payments: items } = parseOrThrow(BatchEnvelope, request.body);
      const results = new Array<BatchResult>(items.length);
      const valid: { index: number; body: PaymentRequestType }[] = [];
      items.forEach((item, index) => {
        const parsed = parseRequest(PaymentRequest, item);
        if (parsed.ok) valid.push({ index, body: parsed.value });
        else results[index] = { orderNumber: orderNumberOf(item), status: 400, error: errorBody(new InvalidRequestError(parsed.issues)).error };
      });

      const outcomes = await ctx.intake.acceptMany(
        request.store,
        valid.map((v) => v.body),
      );
      outcomes.forEach((outcome, k) => {
        const { index, body } = valid[k] as (typeof valid)[number];
        const orderNumber = body.orderNumber;
        switch (outcome.kind) {
          case "created":
            results[index] = { orderNumber, status: 202, payment: outcome.payment };
            break;
          case "replayed":
            results[index] = { orderNumber, status: 200, payment: outcome.payment };
            break;
          case "conflict":
            results[index] = { orderNumber, status: 409, error: errorBody(outcome.error).error };
            break;
          default:
            outcome satisfies never;
        }
      });
      request.log.info({ storeId: request.store.id, items: items.length, valid: valid.length }, "batch handled");
      return reply.code(200).send({ results });
    },
  );
}

/** The item's orderNumber when it has a plausible one, so the POS can match a 400 to its order. */
function orderNumberOf(item: unknown): string | null {
  const value = typeof item === "object" && item !== null ? (item as { orderNumber?: unknown }).orderNumber : undefined;
  return typeof value === "string" && value.length <= 50 ? value : null;
}
