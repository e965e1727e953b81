import { describe, expect, it } from "vitest";
import { checkOpenApiDocument } from "./check-openapi.js";

/** A small document that passes, and variations that must not. */
function document(operation: Record<string, unknown> = {}) {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1", description: "d" },
    servers: [{ url: "https://{host}", variables: { host: { default: "api.test" } } }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Thing: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } },
    },
    paths: {
      "/things": {
        get: {
          operationId: "listThings",
          summary: "List things",
          description: "d",
          responses: {
            200: { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
            400: { description: "bad" },
          },
          ...operation,
        },
      },
    },
  };
}

describe("checkOpenApiDocument", () => {
  it("finds nothing in a fit document, and a missing operationId, 2xx or named schema in others", async () => {
    expect(await checkOpenApiDocument(document(), { name: "fit", namedSchemas: ["Thing"] })).toEqual([]);
    const problems = await checkOpenApiDocument(document({ operationId: undefined, responses: { 400: { description: "bad" } } }), { name: "unfit", namedSchemas: ["Thing", "Missing"] });
    expect(problems.map((p) => `${p.source} ${p.rule.split(" ")[0]}`).sort()).toEqual([
      // Thing was only used by the 200 that went.
      "lint no-unused-components",
      "lint operation-2xx-response",
      "lint operation-operationId",
      "types TS2339",
    ]);
    expect(problems.find((p) => p.source === "types")?.message).toContain("Missing");
  }, 120_000);

  it("lets a test accept one finding at one place, with its reason", async () => {
    const thing = { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } };
    const unfit = document({ responses: { 200: { description: "ok", content: thing } } });
    expect((await checkOpenApiDocument(unfit, { name: "no4xx" })).map((p) => p.rule)).toEqual(["operation-4xx-response (warn)"]);
    const accepted = [{ rule: "operation-4xx-response", location: "#/paths/~1things/get/responses", reason: "never answers 4xx" }];
    expect(await checkOpenApiDocument(unfit, { name: "no4xx", accepted })).toEqual([]);
  }, 120_000);
});
