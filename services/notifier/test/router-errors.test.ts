import { expectContractError, reflectedMarker, routerErrorCases, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { auth, startNotifier } from "./helpers.js";

describe("the notifier's errors in the contract's shape, without the URL or body", () => {
  const redis = useRedis();
  let notifier: Notifier;
  beforeEach(async () => {
    notifier = await startNotifier(redis);
  });
  afterEach(async () => {
    await notifier.close();
  });

  it.each(routerErrorCases({ paramRoute: "/v1/subscriptions/", paramName: "subscription id", unknownUnder: "/v1/" }))(
    "answers %s",
    async (_name, url, status, code) => {
      expectContractError(await notifier.app.inject({ method: "GET", url, headers: auth() }), status, code);
    },
  );

  it("answers a body that is not JSON without repeating it", async () => {
    const res = await notifier.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: { ...auth(), "content-type": "application/json" },
      payload: `{"url": "${reflectedMarker}"`,
    });
    expectContractError(res, 400, "invalid_request");
  });
});
