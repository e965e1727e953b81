import { expectContractError, reflectedMarker, routerErrorCases, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import { type Harness, auth, startHarness } from "./harness.js";

describe("router errors in the contract's shape, without the URL", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ...routerErrorCases({ paramRoute: "/v1/payments/", paramName: "order number", unknownUnder: "/v1/" }),
    ["a bad percent-escape in an unknown path", `/%ZZ/${encodeURIComponent(reflectedMarker)}`, 400, "invalid_request"],
    ["an order number that cannot exist", `/v1/payments/${encodeURIComponent(reflectedMarker)}`, 404, "not_found"],
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
      payload: `{"orderNumber": "${reflectedMarker}", "__proto__": {"polluted": true}}`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
