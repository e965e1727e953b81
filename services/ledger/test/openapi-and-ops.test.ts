import { checkOpenApiDocument, usePostgres, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, adminToken, bearer, startLedger, testConfig } from "./harness.js";
import { settled } from "./support.js";

describe("ops routes, OpenAPI, Request-Id", () => {
  const db = usePostgres();
  const redis = useRedis();
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await startLedger(testConfig(db, redis));
  });

  afterEach(async () => {
    await ledger.close();
  });

  it("serves /healthz, /readyz (PostgreSQL and Redis) and /metrics without credentials", async () => {
    expect((await ledger.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await ledger.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ postgres: "ok", redis: "ok" });
    await new Payments(redis.client(), redis.prefix).pay();
    await settled(redis);
    const metrics = (await ledger.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^ledger_events_archived_total\{service="ledger"\} 3$/m);
    expect(metrics).toMatch(/^ledger_lag_seconds\{service="ledger"\} 0$/m);
    expect(metrics).toMatch(/^redis_stream_group_entries\{stream="events",group="ledger",state="unread",service="ledger"\} 0$/m);
  });

  it("documents its API at /openapi.json and /docs, without credentials", async () => {
    const doc = await ledger.app.inject({ method: "GET", url: "/openapi.json" });
    expect(doc.statusCode).toBe(200);
    const paths = doc.json().paths as Record<string, { get: { parameters?: { name: string }[] } }>;
    expect(Object.keys(paths).sort()).toEqual([
      "/v1/audit",
      "/v1/me",
      "/v1/payments",
      "/v1/payments/export",
      "/v1/payments/{orderNumber}/query",
      "/v1/payments/{orderNumber}/refunds/{refundNumber}/resolve",
      "/v1/payments/{orderNumber}/resolve",
      "/v1/reconciliations",
      "/v1/reconciliations/{id}",
      "/v1/refunds",
      "/v1/reports/daily",
    ]);
    expect(paths["/v1/payments"]?.get.parameters?.map((p) => p.name).sort()).toEqual(["cursor", "from", "limit", "method", "order", "orderNumber", "status", "storeId", "to"]);
    const export_ = doc.json().paths["/v1/payments/export"].get;
    expect(Object.keys(export_.responses["200"].content)).toEqual(["text/csv"]);
    expect(Object.keys(export_.responses["400"].content)).toEqual(["application/json"]);
    expect(paths["/v1/payments"]?.get).toMatchObject({ operationId: "listPayments", responses: { 200: { content: { "application/json": { schema: { $ref: "#/components/schemas/PaymentList" } } } } } });
    expect((await ledger.app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
  });

  it("passes Redocly's linter and generates TypeScript types that compile and name the resources", async () => {
    await ledger.app.ready();
    const problems = await checkOpenApiDocument(ledger.app.swagger(), { name: "ledger", namedSchemas: ["Payment", "Refund", "PaymentList", "RefundList", "DailyReport", "Error"] });
    expect(problems).toEqual([]);
  }, 120_000);

  it("echoes a sane Request-Id, makes one otherwise, and puts it in error bodies", async () => {
    const given = await ledger.app.inject({ method: "GET", url: "/v1/payments", headers: { ...bearer(adminToken), "request-id": "pos-42.a:b" } });
    expect(given.headers["request-id"]).toBe("pos-42.a:b");
    const bad = await ledger.app.inject({ method: "GET", url: "/v1/payments?limit=0", headers: { ...bearer(adminToken), "request-id": "no spaces allowed" } });
    expect(bad.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.json().error.requestId).toBe(bad.headers["request-id"]);
    const missing = await ledger.app.inject({ method: "GET", url: "/v1/nothing" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: "not_found", requestId: missing.headers["request-id"] });
  });

  it("answers the router's own errors in the contract's shape, never repeating the URL", async () => {
    for (const [url, status, code] of [
      ["/v1/payments%ZZ<b>", 400, "invalid_request"],
      ["/v1/nothing<b>", 404, "not_found"],
    ] as const) {
      const res = await ledger.app.inject({ method: "GET", url, headers: { "request-id": "pos-43" } });
      expect(res.statusCode, url).toBe(status);
      expect(res.json(), url).toEqual({ error: { code, message: expect.any(String), requestId: "pos-43" } });
      for (const echoed of ["<b>", "%ZZ", "nothing"]) expect(res.body, url).not.toContain(echoed);
    }
  });
});
