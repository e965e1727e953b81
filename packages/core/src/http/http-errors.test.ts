import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger/index.js";
import { ApiError, createHttpApp, registerHttpErrors } from "./index.js";

/** Paths as an attacker would send them: the answer must never carry them back. */
const marker = "<script>alert(1)</script>";
const badEncoding = `/v1/payments/%ZZ${encodeURIComponent(marker)}`;
const longParam = `/v1/payments/${"A".repeat(5_000)}`;
const longPath = `/${"b".repeat(5_000)}`;

describe("the contract's error shape for Fastify's own errors", () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  async function build(): Promise<FastifyInstance> {
    app = createHttpApp({ logger: createLogger({ name: "test", level: "silent" }), bodyLimit: 64 });
    registerHttpErrors(app, { bodyLimitBytes: 64 });
    app.get("/v1/payments/:orderNumber", async () => ({ ok: true }));
    app.post("/v1/echo", async (request) => request.body);
    app.get("/v1/boom", async () => {
      throw new Error(`database said ${marker}`);
    });
    app.get("/v1/final", async () => {
      throw new ApiError(409, "invalid_state", "the payment is final", { headers: { "retry-after": "2" } });
    });
    await app.ready();
    return app;
  }

  const expectContractBody = (body: string, code: string) => {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["error"]);
    expect(parsed.error).toMatchObject({ code, message: expect.any(String) });
    expect(body).not.toContain("script");
    expect(body).not.toContain("AAAAAAAAAA");
    expect(body).not.toContain("bbbbbbbbbb");
    expect(body).not.toContain("statusCode");
  };

  it.each([
    ["a bad percent-escape", badEncoding, 400, "invalid_request"],
    ["a 5,000-character path parameter", longParam, 404, "not_found"],
    ["a 5,000-character unknown path", longPath, 404, "not_found"],
  ])("answers %s without echoing the URL", async (_name, url, status, code) => {
    await build();
    const res = await app.inject({ method: "GET", url });
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expectContractBody(res.body, code);
  });

  it("answers body errors without echoing the body", async () => {
    await build();
    const broken = await app.inject({ method: "POST", url: "/v1/echo", headers: { "content-type": "application/json" }, payload: `{"a": "${marker}"` });
    expect(broken.statusCode).toBe(400);
    expectContractBody(broken.body, "invalid_request");
    expect(broken.json().error.issues).toEqual([{ path: "", message: "is not valid JSON" }]);

    const big = await app.inject({ method: "POST", url: "/v1/echo", headers: { "content-type": "application/json" }, payload: JSON.stringify({ a: marker.repeat(10) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toEqual({ code: "payload_too_large", message: "the body is larger than 64 bytes", requestId: big.headers["request-id"] });

    const text = await app.inject({ method: "POST", url: "/v1/echo", headers: { "content-type": "text/html" }, payload: marker });
    expect(text.statusCode).toBe(415);
    expectContractBody(text.body, "unsupported_media_type");

    const poisoned = await app.inject({ method: "POST", url: "/v1/echo", headers: { "content-type": "application/json" }, payload: '{"__proto__": {"x": 1}}' });
    expect(poisoned.statusCode).toBe(400);
    expectContractBody(poisoned.body, "invalid_request");
  });

  it("answers an unexpected error as a bare 500 internal", async () => {
    await build();
    const res = await app.inject({ method: "GET", url: "/v1/boom" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: "internal", message: "internal error", requestId: res.headers["request-id"] } });
  });

  it("answers a thrown ApiError as it is, headers included", async () => {
    await build();
    const res = await app.inject({ method: "GET", url: "/v1/final" });
    expect(res.statusCode).toBe(409);
    expect(res.headers["retry-after"]).toBe("2");
    expect(res.json()).toEqual({ error: { code: "invalid_state", message: "the payment is final", requestId: res.headers["request-id"] } });
  });

  it("puts the caller's request id in every error body and Request-Id header, framework errors included", async () => {
    await build();
    for (const [url, code] of [
      ["/v1/boom", "internal"],
      ["/v1/none", "not_found"],
      ["/v1/payments/%ZZ", "invalid_request"],
      [longParam, "not_found"],
    ] as const) {
      const res = await app.inject({ method: "GET", url, headers: { "request-id": "pos-7:till.3" } });
      expect(res.headers["request-id"], url).toBe("pos-7:till.3");
      expect(res.json().error, url).toMatchObject({ code, requestId: "pos-7:till.3" });
    }
  });
});
