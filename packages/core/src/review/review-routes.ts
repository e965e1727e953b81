import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ApiError } from "../http/api-error.js";
import type { OperatorCaller } from "../http/caller-auth.js";
import { ErrorBodySchema, namedResponse } from "../http/openapi.js";
import type { OperatorAction } from "../http/operator-permissions.js";
import { parseOrThrow } from "../http/request-issues.js";
import { OrderNumber, Payment } from "../payments/index.js";
import { Refund, RefundNumber } from "../refunds/index.js";
import type { PaymentReview, ReviewTarget } from "./payment-review.js";

export const OrderNumberParams = z.strictObject({ orderNumber: OrderNumber });

export const RefundParams = z.strictObject({ orderNumber: OrderNumber, refundNumber: RefundNumber });

/** The query of the routes about one payment: an operator names the store when the order number is on several accounts. */
export const StoreQuery = z.strictObject({
  storeId: z
    .string({ error: "must be given once" })
    .min(1)
    .max(100)
    .optional()
    .describe("Operator calls: the store whose payment this is, when its orderNumber is used on several Oceanpayment accounts (409 ambiguous_order_number otherwise). A store key implies its own store."),
});

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
  403: namedResponse(ErrorBodySchema, "forbidden: a store key, or an operator whose role may not do this"),
  404: namedResponse(ErrorBodySchema, "not_found"),
  409: namedResponse(ErrorBodySchema, "invalid_state (not in needs_review) | resolution_refused (the gateway shows no charge for a succeeded) | ambiguous_order_number"),
  502: namedResponse(ErrorBodySchema, "gateway_unavailable: the gateway could not be asked, or a void it needed was not confirmed; nothing changed"),
} as const;

/** What a service gives the review routes: how it finds what an operator names, and who calls. */
export interface ReviewRoutesOptions {
  review: PaymentReview;
  /** The payment `orderNumber` names (`?storeId=`, else looked up on every account; 404 / 409 `ambiguous_order_number` thrown). */
  target(request: FastifyRequest, orderNumber: string): Promise<ReviewTarget>;
  /** The target's refund with this number, if any. */
  refund(target: ReviewTarget, refundNumber: string): Promise<Refund | undefined>;
  /** The calling operator allowed to do `action` (401 / 403 thrown). */
  operator(request: FastifyRequest, action: OperatorAction): OperatorCaller;
  /** The service's own error answers (400, 401, 503…), for its OpenAPI document. */
  errorResponses: Readonly<Record<number, unknown>>;
  /** The service's OpenAPI security scheme an operator token is sent by. */
  securityScheme: string;
}

/**
 * Operators only: `POST /v1/payments/{orderNumber}/query`, `POST …/resolve` and
 * `POST …/refunds/{refundNumber}/resolve` (`PaymentReview`), one module for every service that
 * serves them (the intake and the ledger): the same paths, bodies, answers, roles and audit.
 * Registered under the service's `/v1` prefix.
 */
export function registerReviewRoutes(app: FastifyInstance, options: ReviewRoutesOptions): void {
  const { review } = options;
  const errors = { ...reviewErrors, ...options.errorResponses };

  app.post(
    "/payments/:orderNumber/query",
    {
      config: { operator: "payments.query", storeAllowed: false },
      schema: {
        operationId: "queryPayment",
        summary: "Ask the gateway about a payment now",
        description: "Queries Oceanpayment, records what its answer settles (as the payer would) and answers the payment as it then stands.",
        tags: ["operators"],
        security: [{ [options.securityScheme]: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        response: { 200: Payment, ...errors },
      },
    },
    async (request) => {
      const who = options.operator(request, "payments.query");
      const { orderNumber } = request.params as { orderNumber: string };
      return review.query(await options.target(request, orderNumber), who);
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
        security: [{ [options.securityScheme]: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        body: ResolveRequest,
        response: { 200: z.object({ payment: Payment, resolution: Resolution.extend({ voided: z.boolean() }) }), ...errors },
      },
    },
    async (request) => {
      const who = options.operator(request, "payments.resolve");
      const body = parseOrThrow(ResolveRequest, request.body);
      const { orderNumber } = request.params as { orderNumber: string };
      return review.resolve(await options.target(request, orderNumber), who, body);
    },
  );

  app.post(
    "/payments/:orderNumber/refunds/:refundNumber/resolve",
    {
      config: { operator: "payments.resolve", storeAllowed: false },
      schema: {
        operationId: "resolveRefund",
        summary: "Settle a needs_review refund by hand",
        description:
          "As a payment's resolve, for a refund: the gateway is asked once more (queryRefund by its refund id, else the payment's refund list) and " +
          "its settled answer wins; a refund it holds pending is not resolved by hand; one it never filed can only be resolved as failed.",
        tags: ["operators"],
        security: [{ [options.securityScheme]: [] }],
        params: RefundParams,
        querystring: StoreQuery,
        body: ResolveRequest,
        response: { 200: z.object({ refund: Refund, resolution: Resolution }), ...errors },
      },
    },
    async (request) => {
      const who = options.operator(request, "payments.resolve");
      const body = parseOrThrow(ResolveRequest, request.body);
      const { orderNumber, refundNumber } = request.params as { orderNumber: string; refundNumber: string };
      const target = await options.target(request, orderNumber);
      const ref = { ...target.ref, refundNumber };
      const refund = RefundParams.shape.refundNumber.safeParse(refundNumber).success ? await options.refund(target, refundNumber) : undefined;
      if (!refund) throw new ApiError(404, "not_found", `no refund with this refundNumber for payment ${target.ref.orderNumber}`);
      return review.resolveRefund(target, ref, refund, who, body);
    },
  );
}
