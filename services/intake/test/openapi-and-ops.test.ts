import { checkOpenApiDocument, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

describe("OpenAPI document and operations endpoints", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  it("serves an OpenAPI 3 document generated from the schemas", async () => {
    const res = await h.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/v1/payments",
      "/v1/payments/batch",
      "/v1/payments/{orderNumber}",
      "/v1/payments/{orderNumber}/qr.png",
      "/v1/payments/{orderNumber}/qr.svg",
      "/v1/payments/{orderNumber}/query",
      "/v1/payments/{orderNumber}/refunds",
      "/v1/payments/{orderNumber}/refunds/{refundNumber}",
      "/v1/payments/{orderNumber}/refunds/{refundNumber}/resolve",
      "/v1/payments/{orderNumber}/resolve",
      "/v1/payments/{orderNumber}/void",
    ]);
    const create = doc.paths["/v1/payments"].post;
    expect(create.operationId).toBe("createPayment");
    expect(doc.servers[0].variables.host.default).toBe("localhost:3000");
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PaymentRequest" });
    const body = doc.components.schemas.PaymentRequest;
    expect(body.required).toEqual(expect.arrayContaining(["orderNumber", "amount", "currency", "mode"]));
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["200", "202", "400", "401", "409", "413", "415", "429", "503"]));
    const qr = doc.paths["/v1/payments/{orderNumber}/qr.png"].get;
    expect(Object.keys(qr.responses["200"].content)).toEqual(["image/png"]);
    expect(qr.responses["304"].content).toBeUndefined();
    expect(create.parameters.some((p: { in: string; name: string }) => p.in === "header" && p.name === "prefer")).toBe(true);
  });

  it("documents the refund routes with named schemas, both credentials and their errors", async () => {
    const doc = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["Refund", "RefundRequest", "RefundList"]));
    expect(schemas.Refund.required).toEqual(expect.arrayContaining(["refundNumber", "orderNumber", "storeId", "amount", "currency", "status", "version", "createdAt", "updatedAt", "history"]));
    expect(schemas.Refund.properties.status.enum).toEqual(["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"]);
    expect(schemas.RefundRequest.additionalProperties).toBe(false);
    const refunds = doc.paths["/v1/payments/{orderNumber}/refunds"];
    // Request bodies name the schema's input form under the schema's own name (no `…Input` twin).
    expect(refunds.post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/RefundRequest" });
    expect(Object.keys(schemas).filter((name) => name.endsWith("Input"))).toEqual([]);
    expect(schemas.RefundRequest.required).toEqual(["refundNumber", "amount"]);
    expect(refunds.post.responses["202"].description).toBe("Accepted; the payer files it with Oceanpayment");
    expect(refunds.post.responses["202"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Refund" });
    expect(Object.keys(refunds.post.responses)).toEqual(expect.arrayContaining(["200", "202", "400", "401", "403", "404", "409", "429", "503"]));
    expect(refunds.post.security).toEqual([{ storeKey: [] }, { operatorToken: [] }]);
    expect(refunds.post.parameters.some((p: { in: string; name: string }) => p.in === "query" && p.name === "storeId")).toBe(true);
    expect(refunds.get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/RefundList" });
    expect(doc.paths["/v1/payments/{orderNumber}/refunds/{refundNumber}"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Refund" });
  });

  it("passes Redocly's linter and generates TypeScript types that compile and name the resources", async () => {
    await h.app.ready();
    const problems = await checkOpenApiDocument(h.app.swagger(), { name: "intake", namedSchemas: ["Payment", "PaymentRequest", "Refund", "RefundRequest", "Error", "BatchRequest", "BatchResponse"] });
    expect(problems).toEqual([]);
  }, 120_000);

  it("serves the browsable reference at /docs", async () => {
    const res = await h.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
  });

  it("answers /healthz, /readyz and /metrics", async () => {
    expect((await h.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const ready = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ redis: "ok" });
    await h.app.inject({ method: "GET", url: "/v1/payments/X1" });
    const metrics = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("http_request_duration_seconds_bucket");
    expect(metrics.body).toMatch(/http_requests_total\{route="\/v1\/payments\/:orderNumber",method="GET",status="401"\} 1/);
    // Redis's memory, so that an operator sees it filling up (payments are never removed).
    expect(metrics.body).toMatch(/^redis_memory_bytes\{.*kind="used"\} [1-9]\d*$/m);
  });

  it("answers unknown routes with the contract's error shape", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v2/nothing" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });

  it("answers 503 unavailable to new requests while draining", async () => {
    let draining = false;
    const d = await startHarness(redis, { isDraining: () => draining });
    try {
      draining = true;
      const res = await d.app.inject({ method: "GET", url: "/v1/payments/X1", headers: { authorization: "Bearer key-store-a" } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe("unavailable");
      expect((await d.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    } finally {
      await d.close();
    }
  });
});
