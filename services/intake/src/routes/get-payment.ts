import { namedResponse } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { ErrorBody, OrderNumberParams, Payment, errorResponses } from "../http/schemas.js";
import { type RouteContext, ownPayment } from "./route-context.js";

/** `GET /v1/payments/{orderNumber}`: the store's payment as it is now. */
export function registerGetPayment(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    "/payments/:orderNumber",
    {
      schema: {
        operationId: "getPayment",
        summary: "Read a payment",
        tags: ["payments"],
        params: OrderNumberParams,
        response: { 200: namedResponse(Payment, "The payment"), 404: namedResponse(ErrorBody, "not_found (also for another store's payment)"), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { orderNumber } = request.params as { orderNumber: string };
      const { payment } = await ownPayment(ctx, request.store, orderNumber);
      return reply.code(200).send(payment);
    },
  );
}
