import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform } from "fastify-type-provider-zod";

/**
 * The ledger's OpenAPI 3 document, generated from the zod schemas the routes declare (the ones the
 * handlers parse with), at `GET /openapi.json`, and a browsable reference at `/docs`, both without
 * credentials. Registered before the routes: @fastify/swagger collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "OceanPOS ledger API",
        description:
          "Back-office reads of the archive (PostgreSQL): lists, CSV exports and daily reports; and the daily reconciliation with " +
          "Oceanpayment (operator token only). A store key reads its own store; " +
          'the operator token every store. Errors are `{"error": {"code", "message", "issues"?, "requestId"}}`.',
        version: "1.0.0",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A store's API key, or the operator token" } },
      },
      security: [{ bearer: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: ["/openapi.json", "/docs", "/docs/*", "/healthz", "/readyz", "/metrics"] }),
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
