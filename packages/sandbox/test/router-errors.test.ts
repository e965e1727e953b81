import { afterEach, describe, expect, it } from "vitest";
import { buildSandbox, type Sandbox } from "../src/index.js";

/** What an attacker puts in a URL or body to see it reflected: the answer must never carry it back. */
const marker = "<svg onload=alert(1)>";

describe("the sandbox's control and router errors in the contract's shape", () => {
  let sandbox: Sandbox;
  afterEach(async () => {
    await sandbox.close();
  });

  function expectContractError(res: { statusCode: number; body: string }, status: number, code: string) {
    expect(res.statusCode, res.body).toBe(status);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).toBe(code);
    for (const echoed of ["onload", "svg", "%ZZ", "xxxxxxxxxx", "statusCode", "FST_ERR"]) expect(res.body).not.toContain(echoed);
  }

  it.each([
    ["a bad percent-escape in a path parameter", `/sandbox/ledger/%ZZ${encodeURIComponent(marker)}`, 400, "invalid_request"],
    ["a 5,000-character order number", `/sandbox/ledger/${"x".repeat(5_000)}`, 404, "not_found"],
    ["a 5,000-character unknown path", `/${"x".repeat(5_000)}`, 404, "not_found"],
    ["an unknown route", `/sandbox/${encodeURIComponent(marker)}`, 404, "not_found"],
  ])("answers %s", async (_name, url, status, code) => {
    sandbox = buildSandbox({ credentials: () => undefined });
    expectContractError(await sandbox.app.inject({ method: "GET", url }), status, code);
  });

  it("answers a control body that is not JSON without repeating it", async () => {
    sandbox = buildSandbox({ credentials: () => undefined });
    const res = await sandbox.app.inject({
      method: "POST",
      url: "/sandbox/faults",
      headers: { "content-type": "application/json" },
      payload: `{"latencyMs": "${marker}"`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
