import { registerOpenApi as registerServiceOpenApi } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { openApiSchemas } from "./schemas.js";

/** The intake's OpenAPI document (`/openapi.json`, `/docs`); register before the routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  registerServiceOpenApi(app, {
    title: "OceanPOS intake API",
    description:
      "Point-of-sale API for WeChat Pay and Alipay in-store payments. Errors are " +
      '`{"error": {"code", "message", "issues"?, "requestId"}}`; every response carries `Request-Id`. Idempotency comes from `orderNumber` and `refundNumber`: ' +
      "a request carrying an `Idempotency-Key` header is refused (400) so that nobody relies on it.",
    defaultHost: "localhost:3000",
    securitySchemes: {
      storeKey: { type: "http", scheme: "bearer", description: "The store's API key" },
      operatorToken: { type: "http", scheme: "bearer", description: "The operator token (ADMIN_TOKEN): the refund routes, for any store" },
    },
    security: [{ storeKey: [] }],
    schemas: openApiSchemas,
  });
  // The routes this service adds straight to `app` come next: the document must be loaded first.
  await app.after();
}
