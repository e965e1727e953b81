import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger/index.js";
import { ApiError, createHttpApp, loggableUrl, registerHttpErrors } from "./index.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose log lines are kept as parsed records. */
async function build(options: { corsOrigins?: string[] } = {}) {
  const out = new PassThrough();
  const text: string[] = [];
  out.on("data", (chunk: Buffer) => text.push(chunk.toString()));
  const logger = createLogger({ name: "test", destination: out });
  app = createHttpApp({ logger, ...options });
  registerHttpErrors(app);
  app.get("/v1/things/:id", async (request) => {
    request.log.info({ step: 1 }, "inside the route");
    return { id: (request.params as { id: string }).id };
  });
  app.get("/v1/fails", async () => {
    throw new ApiError(409, "invalid_state", "no");
  });
  app.post("/v1/things", async () => ({ ok: true }));
  await app.ready();
  const records = () => {
    logger.flush();
    return text.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { app, records };
}

describe("Request-Id", () => {
  it("keeps a well-formed caller id and puts it on the response, every log line and error bodies", async () => {
    const { app, records } = await build();
    const ok = await app.inject({ method: "GET", url: "/v1/things/1", headers: { "request-id": "pos-42:till_3.a" } });
    expect(ok.headers["request-id"]).toBe("pos-42:till_3.a");
    const failed = await app.inject({ method: "GET", url: "/v1/fails", headers: { "request-id": "r-2" } });
    expect(failed.headers["request-id"]).toBe("r-2");
    expect(failed.json()).toEqual({ error: { code: "invalid_state", message: "no", requestId: "r-2" } });
    const lines = records();
    expect(lines.filter((l) => l.requestId === "pos-42:till_3.a").map((l) => l.msg)).toEqual(["inside the route", "request"]);
    expect(lines.filter((l) => l.requestId === "r-2").map((l) => l.msg)).toEqual(["request"]);
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["spaces", "pos 42"],
    ["markup", "<script>"],
    ["empty", ""],
  ])("replaces a caller id with %s by a new one", async (_what, given) => {
    const { app } = await build();
    const res = await app.inject({ method: "GET", url: "/v1/things/1", headers: { "request-id": given } });
    expect(res.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives every answer one, the router's and the framework's errors included", async () => {
    const { app } = await build();
    const ids = new Set<string>();
    for (const url of ["/v1/things/1", "/nowhere", "/v1/things/%ZZ"]) {
      const res = await app.inject({ method: "GET", url });
      const id = res.headers["request-id"] as string;
      expect(id, url).toMatch(/^[0-9a-f-]{36}$/);
      if (res.statusCode >= 400) expect(res.json().error.requestId, url).toBe(id);
      ids.add(id);
    }
    expect(ids.size).toBe(3);
  });
});

describe("request log", () => {
  it("writes exactly one line per request: method, url, status, ms, request id", async () => {
    const { app, records } = await build();
    await app.inject({ method: "POST", url: "/v1/things", payload: { a: 1 }, headers: { "request-id": "one" } });
    await app.inject({ method: "GET", url: "/nowhere", headers: { "request-id": "two" } });
    const requests = records().filter((l) => l.msg === "request");
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 30, method: "POST", url: "/v1/things", status: 200, requestId: "one" });
    expect(requests[0]?.ms).toEqual(expect.any(Number));
    expect(requests[1]).toMatchObject({ method: "GET", url: "/nowhere", status: 404, requestId: "two" });
    expect(records().filter((l) => l.msg !== "request")).toEqual([]);
  });

  it("never writes a credential from the query string", async () => {
    const { app, records } = await build();
    await app.inject({ method: "GET", url: "/v1/things/1?token=st_secret123&limit=5&TOKEN=st_other" });
    const text = JSON.stringify(records());
    expect(text).not.toContain("st_secret123");
    expect(text).not.toContain("st_other");
    expect(records().find((l) => l.msg === "request")?.url).toBe("/v1/things/1?token=[redacted]&limit=5&TOKEN=[redacted]");
  });

  it("redacts credential-like parameters only", () => {
    expect(loggableUrl("/a")).toBe("/a");
    expect(loggableUrl("/a?after=evt_1&lastEventId=evt_2")).toBe("/a?after=evt_1&lastEventId=evt_2");
    expect(loggableUrl("/a?%74oken=x&api_key=y&token")).toBe("/a?%74oken=[redacted]&api_key=[redacted]&token");
  });
});

describe("CORS", () => {
  const allowed = "http://127.0.0.1:5173";

  it("answers a listed origin's preflight and requests, and exposes Request-Id", async () => {
    const { app } = await build({ corsOrigins: [allowed, "https://pos.example.com"] });
    const preflight = await app.inject({
      method: "OPTIONS",
      url: "/v1/things",
      headers: { origin: allowed, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(allowed);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(preflight.headers["access-control-allow-headers"]).toBe("authorization,content-type");
    const res = await app.inject({ method: "GET", url: "/v1/things/1", headers: { origin: allowed } });
    expect(res.headers["access-control-allow-origin"]).toBe(allowed);
    expect(res.headers["access-control-expose-headers"]).toContain("Request-Id");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("gives an unlisted origin, or no list at all, no CORS header", async () => {
    for (const corsOrigins of [[allowed], []]) {
      const { app } = await build({ corsOrigins });
      for (const origin of ["http://127.0.0.1:5174", "null", `${allowed}.evil.example`]) {
        const preflight = await app.inject({ method: "OPTIONS", url: "/v1/things", headers: { origin, "access-control-request-method": "POST" } });
        expect(preflight.statusCode, origin).toBe(404);
        const res = await app.inject({ method: "GET", url: "/v1/things/1", headers: { origin } });
        expect(res.statusCode).toBe(200);
        for (const headers of [preflight.headers, res.headers]) {
          expect(Object.keys(headers).filter((h) => h.startsWith("access-control-")), `${origin} ${JSON.stringify(corsOrigins)}`).toEqual([]);
        }
      }
      await app.close();
    }
  });
});
