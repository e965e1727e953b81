import { type OperatorCaller, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { NotFoundError } from "../errors.js";
import { beforeAnyWrite } from "../http/redis-failure.js";
import { ErrorBody, OrderNumberParams, Payment, Refund, RefundParams, StoreQuery, errorResponses } from "../http/schemas.js";
import { paymentTarget } from "./payment-target.js";
import type { RouteContext } from "./route-context.js";

export const ResolveRequest = z.strictObject({
  status: z.enum(["succeeded", "failed"], { error: 'must be "succeeded" or "failed"' }),
  reason: z.string({ error: "is required: why the operator settles it so" }).trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
});

const Resolution = z.object({
  decidedBy: z.enum(["gateway", "operator"]).describe("gateway: its answer settled it (and wins over the requested status); operator: the requested status was applied"),
  gateway: z.enum(["succeeded", "failed", "pending", "no_attempt", "unreachable"]).describe("what the gateway said when asked once more"),
  message: z.string().describe("the history entry's reason"),
});

const reviewErrors = {
  403: ErrorBody.describe("forbidden: a store key, or an operator whose role may not do this"),
  404: ErrorBody.describe("not_found"),
  409: ErrorBody.describe("invalid_state (not in needs_review) | resolution_refused (the gateway shows no charge for a succeeded) | ambiguous_order_number"),
  502: ErrorBody.describe("gateway_unavailable: the gateway could not be asked, or a void it needed was not confirmed; nothing changed"),
  ...errorResponses,
} as const;

/** The operator who called (the route's `config.operator` was checked by the auth hook). */
const operatorOf = (request: FastifyRequest) => request.caller as OperatorCaller;

/**
 * Operators only: `POST /v1/payments/{orderNumber}/query`, `POST …/resolve` and
 * `POST …/refunds/{refundNumber}/resolve` (`PaymentReview`).
 */
export function registerReviewRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    "/payments/:orderNumber/query",
    {
      config: { operator: "payments.query", storeAllowed: false },
      schema: {
        operationId: "queryPayment",
        summary: "Ask the gateway about a payment now",
        description: "Queries Oceanpayment, records what its answer settles (as the payer would) and answers the payment as it then stands.",
        tags: ["operators"],
        security: [{ operatorToken: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        response: { 200: Payment, ...reviewErrors },
      },
    },
    async (request) => {
      const { orderNumber } = request.params as { orderNumber: string };
      return ctx.review.query(await paymentTarget(ctx, request, orderNumber), operatorOf(request));
    },
  );

  app.post(
    "/payments/:orderNumber/resolve",
    {
      config: { operator: "payments.resolve", storeAllowed: false },
      schema: {
        operationId: "resolvePayment",
        summary: "Settle a needs_review payment by hand",
        description:
          "Only from needs_review, only to succeeded or failed. The gateway is asked once more: when its answer settles the payment it wins " +
          "(`resolution.decidedBy: gateway`); resolving to failed while it holds the order open voids the order there first; when it cannot be " +
          "asked the decision is applied and the history says so. The history entry has `source: operator`, the operator's name and the reason.",
        tags: ["operators"],
        security: [{ operatorToken: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        body: ResolveRequest,
        response: { 200: z.object({ payment: Payment, resolution: Resolution.extend({ voided: z.boolean() }) }), ...reviewErrors },
      },
    },
    async (request) => {
      const body = parseOrThrow(ResolveRequest, request.body);
      const { orderNumber } = request.params as { orderNumber: string };
      return ctx.review.resolve(await paymentTarget(ctx, request, orderNumber), operatorOf(request), body);
    },
  );

  app.post(
    "/payments/:orderNumber/refunds/:refundNumber/resolve",
    {
      config: { operator: "payments.resolve", storeAllowed: false },
      schema: {
        operationId: "resolveRefund",
        summary: "Settle a needs_review refund by hand",
        description: "As a payment's resolve, for a refund (a refund the gateway holds pending is not resolved by hand).",
        tags: ["operators"],
        security: [{ operatorToken: [] }],
        params: RefundParams,
        querystring: StoreQuery,
        body: ResolveRequest,
        response: { 200: z.object({ refund: Refund, resolution: Resolution }), ...reviewErrors },
      },
    },
    async (request) => {
      const body = parseOrThrow(ResolveRequest, request.body);
      const { orderNumber, refundNumber } = request.params as { orderNumber: string; refundNumber: string };
      const target = await paymentTarget(ctx, request, orderNumber);
      const ref = { ...target.ref, refundNumber };
      const refund = RefundParams.shape.refundNumber.safeParse(refundNumber).success ? await beforeAnyWrite(ctx.refunds.get(ref)) : undefined;
      if (!refund) throw new NotFoundError(`no refund with this refundNumber for payment ${target.ref.orderNumber}`);
      return ctx.review.resolveRefund(target, ref, refund, operatorOf(request), body);
    },
  );
}
