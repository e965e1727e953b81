import { useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { auth, startNotifier } from "./helpers.js";

/** What an attacker puts in a URL or body to see it reflected: the answer must never carry it back. */
const marker = "<svg onload=alert(1)>";

describe("the notifier's errors in the contract's shape, without the URL or body", () => {
  const redis = useRedis();
  let notifier: Notifier;
  beforeEach(async () => {
    notifier = await startNotifier(redis);
  });
  afterEach(async () => {
    await notifier.close();
  });

  function expectContractError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string) {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).toBe(code);
    for (const echoed of ["onload", "svg", "%ZZ", "xxxxxxxxxx", "statusCode", "FST_ERR"]) expect(res.body).not.toContain(echoed);
  }

  it.each([
    ["a bad percent-escape in a path parameter", `/v1/subscriptions/%ZZ${encodeURIComponent(marker)}`, 400, "invalid_request"],
    ["a 5,000-character subscription id", `/v1/subscriptions/${"x".repeat(5_000)}`, 404, "not_found"],
    ["a 5,000-character unknown path", `/${"x".repeat(5_000)}`, 404, "not_found"],
    ["an unknown route", `/v1/${encodeURIComponent(marker)}`, 404, "not_found"],
  ])("answers %s", async (_name, url, status, code) => {
    expectContractError(await notifier.app.inject({ method: "GET", url, headers: auth() }), status, code);
  });

  it("answers a body that is not JSON without repeating it", async () => {
    const res = await notifier.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: { ...auth(), "content-type": "application/json" },
      payload: `{"url": "${marker}"`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
