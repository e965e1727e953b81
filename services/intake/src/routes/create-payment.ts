import { namedResponse, parseOrThrow } from "@oceanpos/core/http";
import { refOf } from "@oceanpos/core/review";
import type { FastifyInstance } from "fastify";
import { parsePreferWait } from "../http/prefer-wait.js";
import { inFlightStatuses, replyWithPayment } from "../http/respond.js";
import { ErrorBody, Payment, PaymentRequest, PreferHeaders, errorResponses } from "../http/schemas.js";
import type { RouteContext } from "./route-context.js";

/** `POST /v1/payments`: accept a payment (idempotent per orderNumber) and queue its submission. */
export function registerCreatePayment(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    "/payments",
    {
      // The store's token is taken by the create script itself: one Redis round trip per POST.
      config: { storeRateLimitInHandler: true },
      schema: {
        operationId: "createPayment",
        summary: "Accept a payment",
        description:
          "202 with the payment (status accepted). The same body again answers 200 with " +
          "`Idempotent-Replayed: true` and the current payment; another body for the same orderNumber is a 409.",
        tags: ["payments"],
        headers: PreferHeaders,
        body: PaymentRequest,
        response: {
          200: namedResponse(Payment, "Replay, or the outcome reached within Prefer: wait"),
          202: namedResponse(Payment, "Accepted; the outcome follows"),
          409: namedResponse(ErrorBody, "idempotency_conflict"),
          413: namedResponse(ErrorBody, "payload_too_large"),
          415: namedResponse(ErrorBody, "unsupported_media_type"),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const waitSeconds = parsePreferWait(request.headers.prefer);
      const body = parseOrThrow(PaymentRequest, request.body);
      const store = request.store;
      const outcome = await ctx.intake.accept(store, body);
      if (outcome.kind === "conflict" || outcome.kind === "rate_limited") throw outcome.error;
      if (outcome.kind === "created") {
        // Bindings in the call rather than a child logger: a child costs even when nothing is logged.
        request.log.info(
          { storeId: store.id, orderNumber: body.orderNumber, mode: body.mode, amount: body.amount, currency: body.currency },
          "payment accepted",
        );
      }
      return replyWithPayment({
        reply,
        waiter: ctx.waiter,
        ref: refOf(request.store, body.orderNumber),
        payment: outcome.payment,
        waitSeconds,
        pending: inFlightStatuses,
        replayed: outcome.kind === "replayed",
      });
    },
  );
}
