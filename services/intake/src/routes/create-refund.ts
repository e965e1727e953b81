import { auditTargets } from "@oceanpos/core/audit";
import { namedResponse, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { refundLocation } from "../build-refund.js";
import { ErrorBody, OrderNumberParams, Refund, RefundRequest, StoreQuery, errorResponses } from "../http/schemas.js";
import type { RefundAcceptOutcome } from "../refund-intake.js";
import { beforeAnyWrite } from "../http/redis-failure.js";
import { paymentTarget } from "./payment-target.js";
import type { RouteContext } from "./route-context.js";

/** Times a refund is tried again when the payment it read left Redis and its order number came back meanwhile. */
const maxPaymentReads = 3;

/** `POST /v1/payments/{orderNumber}/refunds`: accept a refund of a succeeded payment (idempotent per refundNumber). */
export function registerCreateRefund(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    "/payments/:orderNumber/refunds",
    {
      config: { operator: "refunds.create" },
      schema: {
        operationId: "createRefund",
        summary: "Refund a payment, in full or in part",
        description:
          "202 with the refund (status accepted); the payer files it with Oceanpayment, which may hold it up to 30 days " +
          "for funds (`pending`). The same refundNumber and body again answers 200 with `Idempotent-Replayed: true` and " +
          "the current refund; another body is a 409 idempotency_conflict. Only a succeeded payment is refundable " +
          "(409 payment_not_refundable), and its refunds that are not failed never exceed its amount " +
          "(409 refund_exceeds_payment, with `refundableAmount`). `amount` is in the payment's currency, with at most its decimals.",
        tags: ["refunds"],
        security: [{ storeKey: [] }, { operatorToken: [] }],
        params: OrderNumberParams,
        querystring: StoreQuery,
        body: RefundRequest,
        response: {
          200: namedResponse(Refund, "Replay: the refund as it stands (Idempotent-Replayed: true)"),
          202: namedResponse(Refund, "Accepted; the payer files it with Oceanpayment"),
          403: namedResponse(ErrorBody, "forbidden"),
          404: namedResponse(ErrorBody, "not_found: no such payment for this store"),
          409: namedResponse(ErrorBody, "idempotency_conflict | payment_not_refundable | refund_exceeds_payment (with refundableAmount) | ambiguous_order_number"),
          413: namedResponse(ErrorBody, "payload_too_large"),
          415: namedResponse(ErrorBody, "unsupported_media_type"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = parseOrThrow(RefundRequest, request.body);
      const { orderNumber } = request.params as { orderNumber: string };
      let outcome: RefundAcceptOutcome = { kind: "payment_changed" };
      for (let read = 0; read < maxPaymentReads && outcome.kind === "payment_changed"; read++) {
        const target = await paymentTarget(ctx, request, orderNumber);
        // A payment that left Redis comes back first (with its refunds), in one step: the refund's
        // create then checks it and what its refunds leave as for any payment.
        if (target.archivedRefunds) await beforeAnyWrite(ctx.retention.restore(target.ref, target.payment, target.archivedRefunds));
        outcome = await ctx.refundIntake.accept(target, body);
      }
      if (outcome.kind === "payment_changed") throw new Error(`payment ${orderNumber} kept changing under a refund`);
      const { refund } = outcome;
      if (outcome.kind === "created") {
        const { caller } = request;
        if (caller.kind === "operator") {
          // Right after the create's own step: an operator's refund is an action to account for.
          await ctx.audit.record({
            operator: caller.name,
            role: caller.role,
            action: "refund.create",
            target: auditTargets.refund(refund.storeId, refund.orderNumber, refund.refundNumber),
            ...(refund.reason !== undefined ? { reason: refund.reason } : {}),
            details: { amount: refund.amount, currency: refund.currency },
          });
        }
        request.log.info({ storeId: refund.storeId, orderNumber: refund.orderNumber, refundNumber: refund.refundNumber, amount: refund.amount, currency: refund.currency }, "refund accepted");
      } else {
        reply.header("idempotent-replayed", "true");
      }
      reply.header("location", refundLocation(refund.orderNumber, refund.refundNumber));
      return reply.code(outcome.kind === "created" ? 202 : 200).send(refund);
    },
  );
}
