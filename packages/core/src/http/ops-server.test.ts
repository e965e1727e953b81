import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { buildOpsServer } from "./index.js";

/** The payer's HTTP server: ops routes, and the contract's error shape for everything else. */
describe("buildOpsServer", () => {
  const app = buildOpsServer({ logger: pino({ level: "silent" }), registry: new Registry(), checks: { redis: async () => "PONG" } });
  afterAll(async () => {
    await app.close();
  });

  it("serves the ops routes", async () => {
    expect((await app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ status: "ready", checks: { redis: "ok" } });
  });

  it.each([
    ["a bad percent-escape", "/readyz%ZZ<b>", 400, "invalid_request"],
    ["a 5,000-character path", `/${"x".repeat(5_000)}`, 404, "not_found"],
    ["an unknown route", "/admin<b>", 404, "not_found"],
  ])("answers %s in the contract's shape, without the URL", async (_name, url, status, code) => {
    const res = await app.inject({ method: "GET", url });
    expect(res.statusCode).toBe(status);
    expect(Object.keys(res.json())).toEqual(["error"]);
    expect(res.json().error.code).toBe(code);
    for (const echoed of ["<b>", "%ZZ", "xxxxxxxxxx", "admin"]) expect(res.body).not.toContain(echoed);
  });
});
