import type { FastifyInstance } from "fastify";
import { NotFoundError } from "../errors.js";
import { beforeAnyWrite } from "../http/redis-failure.js";
import { ErrorBody, OrderNumberParams, Refund, RefundList, RefundParams, StoreQuery, errorResponses } from "../http/schemas.js";
import { paymentTarget } from "./payment-target.js";
import type { RouteContext } from "./route-context.js";

const readErrors = {
  403: ErrorBody.describe("forbidden"),
  404: ErrorBody.describe("not_found (also for another store's payment)"),
  409: ErrorBody.describe("ambiguous_order_number"),
  ...errorResponses,
} as const;

/** `GET /v1/payments/{orderNumber}/refunds` and `GET /v1/payments/{orderNumber}/refunds/{refundNumber}`. */
export function registerReadRefunds(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    "/payments/:orderNumber/refunds",
    {
      config: { operator: "read" },
      schema: {
        summary: "List a payment's refunds",
        description: "Every refund of the payment, oldest first.",
        tags: ["refunds"],
        security: [{ storeKey: [] }, { operatorToken: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        response: { 200: RefundList, ...readErrors },
      },
    },
    async (request, reply) => {
      const { orderNumber } = request.params as { orderNumber: string };
      const { ref } = await paymentTarget(ctx, request, orderNumber);
      const data = await beforeAnyWrite(ctx.refunds.list(ref));
      return reply.code(200).send({ data });
    },
  );

  app.get(
    "/payments/:orderNumber/refunds/:refundNumber",
    {
      config: { operator: "read" },
      schema: {
        summary: "Read a refund",
        tags: ["refunds"],
        security: [{ storeKey: [] }, { operatorToken: [] }],
        params: RefundParams,
        querystring: StoreQuery,
        response: { 200: Refund, ...readErrors },
      },
    },
    async (request, reply) => {
      const { orderNumber, refundNumber } = request.params as { orderNumber: string; refundNumber: string };
      const { ref } = await paymentTarget(ctx, request, orderNumber);
      const refund = RefundParams.shape.refundNumber.safeParse(refundNumber).success ? await beforeAnyWrite(ctx.refunds.get({ ...ref, refundNumber })) : undefined;
      if (!refund) throw new NotFoundError(`no refund with this refundNumber for payment ${ref.orderNumber}`);
      return reply.code(200).send(refund);
    },
  );
}
