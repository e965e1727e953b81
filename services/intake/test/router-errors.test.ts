import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, auth, startHarness } from "./harness.js";

/** What an attacker puts in a URL to see it reflected: the answer must never carry it back. */
const marker = "<svg onload=alert(1)>";

describe("router errors in the contract's shape, without the URL", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  function expectContractError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string) {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).toBe(code);
    for (const echoed of ["onload", "svg", "%ZZ", "xxxxxxxxxx", "statusCode", "FST_ERR_BAD_URL"]) expect(res.body).not.toContain(echoed);
  }

  it.each([
    ["a bad percent-escape in a path parameter", `/v1/payments/%ZZ${encodeURIComponent(marker)}`, 400, "invalid_request"],
    ["a bad percent-escape in an unknown path", `/%ZZ/${encodeURIComponent(marker)}`, 400, "invalid_request"],
    ["a 5,000-character order number", `/v1/payments/${"x".repeat(5_000)}`, 404, "not_found"],
    ["a 5,000-character unknown path", `/${"x".repeat(5_000)}`, 404, "not_found"],
    ["an unknown route", `/v1/${encodeURIComponent(marker)}`, 404, "not_found"],
    ["an order number that cannot exist", `/v1/payments/${encodeURIComponent(marker)}`, 404, "not_found"],
  ])("answers %s", async (_name, url, status, code) => {
    for (const headers of [auth(), {}]) {
      const res = await h.app.inject({ method: "GET", url, headers });
      // Without a key an existing route is a 401 first; the router's own errors come before auth.
      if (res.statusCode === 401) {
        expectContractError(res, 401, "unauthorized");
        continue;
      }
      expectContractError(res, status, code);
    }
  });

  it("answers a body that cannot be read without repeating it", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/payments",
      headers: { ...auth(), "content-type": "application/json" },
      payload: `{"orderNumber": "${marker}", "__proto__": {"polluted": true}}`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
