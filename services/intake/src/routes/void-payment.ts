import { namedResponse } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { InvalidStateError } from "../errors.js";
import { voidJob } from "../jobs.js";
import { parsePreferWait } from "../http/prefer-wait.js";
import { replyWithPayment, voidableStatuses } from "../http/respond.js";
import { ErrorBody, OrderNumberParams, Payment, PreferHeaders, errorResponses } from "../http/schemas.js";
import { type RouteContext, ownPayment } from "./route-context.js";

/**
 * `POST /v1/payments/{orderNumber}/void`: cancel an unpaid offline payment. The void itself is
 * the payer's job (it settles a void that races a payment); this queues it once per payment.
 */
export function registerVoidPayment(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    "/payments/:orderNumber/void",
    {
      schema: {
        operationId: "voidPayment",
        summary: "Void an unpaid payment",
        description: "Only `awaiting_customer` and `pending` payments can be voided; 202 with the payment, 409 invalid_state otherwise.",
        tags: ["payments"],
        headers: PreferHeaders,
        params: OrderNumberParams,
        response: {
          200: namedResponse(Payment, "The void's outcome, reached within Prefer: wait"),
          202: namedResponse(Payment, "Void queued"),
          404: namedResponse(ErrorBody, "not_found"),
          409: namedResponse(ErrorBody, "invalid_state"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const waitSeconds = parsePreferWait(request.headers.prefer);
      const { orderNumber } = request.params as { orderNumber: string };
      const { ref, payment } = await ownPayment(ctx, request.store, orderNumber);
      if (!voidableStatuses.has(payment.status)) {
        throw new InvalidStateError(
          `payment ${payment.orderNumber} is ${payment.status}; only awaiting_customer or pending payments can be voided`,
        );
      }
      const job = voidJob(ref);
      await ctx.queues.void.add(job.name, job.data, job.opts);
      request.log.info({ storeId: request.store.id, orderNumber: payment.orderNumber, status: payment.status }, "void queued");
      return replyWithPayment({ reply, waiter: ctx.waiter, ref, payment, waitSeconds, pending: voidableStatuses });
    },
  );
}
