import { namedResponse } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { NotFoundError } from "../errors.js";
import { beforeAnyWrite } from "../http/redis-failure.js";
import { ErrorBody, OrderNumberParams, Refund, RefundList, RefundParams, StoreQuery, errorResponses } from "../http/schemas.js";
import { paymentTarget } from "./payment-target.js";
import type { RouteContext } from "./route-context.js";

const readErrors = {
  403: namedResponse(ErrorBody, "forbidden"),
  404: namedResponse(ErrorBody, "not_found (also for another store's payment)"),
  409: namedResponse(ErrorBody, "ambiguous_order_number"),
  ...errorResponses,
} as const;

/** `GET /v1/payments/{orderNumber}/refunds` and `GET /v1/payments/{orderNumber}/refunds/{refundNumber}`. */
export function registerReadRefunds(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    "/payments/:orderNumber/refunds",
    {
      config: { operator: "read" },
      schema: {
        operationId: "listRefunds",
        summary: "List a payment's refunds",
        description: "Every refund of the payment, oldest first.",
        tags: ["refunds"],
        security: [{ storeKey: [] }, { operatorToken: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        response: { 200: namedResponse(RefundList, "The payment's refunds"), ...readErrors },
      },
    },
    async (request, reply) => {
      const { orderNumber } = request.params as { orderNumber: string };
      const { ref, archivedRefunds } = await paymentTarget(ctx, request, orderNumber);
      const data = archivedRefunds ?? (await beforeAnyWrite(ctx.refunds.list(ref)));
      return reply.code(200).send({ data });
    },
  );

  app.get(
    "/payments/:orderNumber/refunds/:refundNumber",
    {
      config: { operator: "read" },
      schema: {
        operationId: "getRefund",
        summary: "Read a refund",
        tags: ["refunds"],
        security: [{ storeKey: [] }, { operatorToken: [] }],
        params: RefundParams,
        querystring: StoreQuery,
        response: { 200: namedResponse(Refund, "The refund"), ...readErrors },
      },
    },
    async (request, reply) => {
      const { orderNumber, refundNumber } = request.params as { orderNumber: string; refundNumber: string };
      const { ref, archivedRefunds } = await paymentTarget(ctx, request, orderNumber);
      const valid = RefundParams.shape.refundNumber.safeParse(refundNumber).success;
      const refund = !valid ? undefined : archivedRefunds ? archivedRefunds.find((r) => r.refundNumber === refundNumber) : await beforeAnyWrite(ctx.refunds.get({ ...ref, refundNumber }));
      if (!refund) throw new NotFoundError(`no refund with this refundNumber for payment ${ref.orderNumber}`);
      return reply.code(200).send(refund);
    },
  );
}
