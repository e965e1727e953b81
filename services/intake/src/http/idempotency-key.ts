import { InvalidRequestError } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";

/**
 * Refuses a Stripe-style `Idempotency-Key` header on every POST: this API's idempotency comes from
 * `orderNumber` (payments) and `refundNumber` (refunds), and a client that believed the header
 * protected a retry with a new orderNumber would charge twice. A 400 naming the header tells it
 * at its first request instead.
 */
export function registerIdempotencyKeyRefusal(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (request.method !== "POST" || request.headers["idempotency-key"] === undefined) return;
    throw new InvalidRequestError(
      [{ path: "Idempotency-Key", message: "is not supported: a retry with the same orderNumber (payments) or refundNumber (refunds) and body is idempotent" }],
      { message: "the Idempotency-Key header is not supported: idempotency comes from orderNumber and refundNumber" },
    );
  });
}
