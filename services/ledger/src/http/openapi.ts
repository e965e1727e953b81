import { registerOpenApi as registerServiceOpenApi } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { openApiSchemas } from "./schemas.js";

/** The ledger's OpenAPI document (`/openapi.json`, `/docs`); register before the routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  registerServiceOpenApi(app, {
    title: "OceanPOS ledger API",
    description:
      "Back-office reads of the archive (PostgreSQL): lists, CSV exports and daily reports; and the daily reconciliation with " +
      "Oceanpayment (operator token only). A store key reads its own store; " +
      'the operator token every store. Errors are `{"error": {"code", "message", "issues"?, "requestId"}}`.',
    defaultHost: "localhost:3003",
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A store's API key, or the operator token" } },
    security: [{ bearer: [] }],
    schemas: openApiSchemas,
  });
  // The routes this service adds straight to `app` come next: the document must be loaded first.
  await app.after();
}
