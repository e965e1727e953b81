import { expectContractError, reflectedMarker, routerErrorCases } from "@oceanpos/testing";
import { afterEach, describe, it } from "vitest";
import { buildSandbox, type Sandbox } from "../src/index.js";

describe("the sandbox's control and router errors in the contract's shape", () => {
  let sandbox: Sandbox;
  afterEach(async () => {
    await sandbox.close();
  });

  it.each(routerErrorCases({ paramRoute: "/sandbox/ledger/", paramName: "order number", unknownUnder: "/sandbox/" }))(
    "answers %s",
    async (_name, url, status, code) => {
      sandbox = buildSandbox({ credentials: () => undefined });
      expectContractError(await sandbox.app.inject({ method: "GET", url }), status, code);
    },
  );

  it("answers a control body that is not JSON without repeating it", async () => {
    sandbox = buildSandbox({ credentials: () => undefined });
    const res = await sandbox.app.inject({
      method: "POST",
      url: "/sandbox/faults",
      headers: { "content-type": "application/json" },
      payload: `{"latencyMs": "${reflectedMarker}"`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
