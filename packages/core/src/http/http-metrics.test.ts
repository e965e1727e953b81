import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createHttpApp } from "./http-app.js";
import { HttpMetrics, observeHttpRequests } from "./http-metrics.js";

describe("observeHttpRequests", () => {
  it("counts and times each answered request by route template, method and status, with the service's buckets", async () => {
    const registry = new Registry();
    const app = createHttpApp({ logger: pino({ level: "silent" }) });
    observeHttpRequests(app, new HttpMetrics(registry, { durationHelp: "Time to answer", buckets: [0.5, 7] }));
    app.get("/v1/things/:id", async () => ({ ok: true }));
    try {
      await app.inject({ method: "GET", url: "/v1/things/1" });
      await app.inject({ method: "GET", url: "/v1/things/2" });
      await app.inject({ method: "POST", url: "/nowhere" });
      const text = await registry.metrics();
      expect(text).toContain('http_requests_total{route="/v1/things/:id",method="GET",status="200"} 2');
      expect(text).toContain('http_requests_total{route="unmatched",method="POST",status="404"} 1');
      expect(text).toContain('http_request_duration_seconds_count{route="/v1/things/:id",method="GET",status="200"} 2');
      expect(text).toContain('http_request_duration_seconds_bucket{le="7",route="/v1/things/:id",method="GET",status="200"} 2');
      expect(text).toContain("# HELP http_request_duration_seconds Time to answer");
    } finally {
      await app.close();
    }
  });
});
