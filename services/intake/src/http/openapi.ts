import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { openApiSchemas } from "./schemas.js";

/**
 * The OpenAPI 3 document, generated from the zod schemas the routes declare (the same ones the
 * handlers parse with), at `GET /openapi.json`, and a browsable reference at `/docs`. Must be
 * registered before the routes: @fastify/swagger collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "OceanPOS intake API",
        description:
          "Point-of-sale API for WeChat Pay and Alipay in-store payments. Errors are " +
          '`{"error": {"code", "message", "issues"?, "requestId"}}`; every response carries `Request-Id`.',
        version: "1.0.0",
      },
      components: {
        securitySchemes: {
          storeKey: { type: "http", scheme: "bearer", description: "The store's API key" },
          operatorToken: { type: "http", scheme: "bearer", description: "The operator token (ADMIN_TOKEN): the refund routes, for any store" },
        },
      },
      security: [{ storeKey: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: ["/openapi.json", "/docs", "/docs/*"], schemaRegistry: openApiSchemas }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: openApiSchemas }),
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
