import { describe, expect, it } from "vitest";
import { signingSecretsAt } from "./subscription-store.js";

describe("signingSecretsAt", () => {
  const secrets = { current: "whsec_new", previous: { secret: "whsec_old", expiresAt: "2026-01-02T00:00:00.000Z" } };

  it("signs with the current secret first, then with the replaced one until it expires", () => {
    expect(signingSecretsAt(secrets, new Date("2026-01-01T23:59:59.999Z"))).toEqual(["whsec_new", "whsec_old"]);
    expect(signingSecretsAt(secrets, new Date("2026-01-02T00:00:00.000Z"))).toEqual(["whsec_new"]);
  });

  it("has nothing to sign with for a subscription without secrets", () => {
    expect(signingSecretsAt(undefined, new Date())).toEqual([]);
    expect(signingSecretsAt({ current: "whsec_only" }, new Date())).toEqual(["whsec_only"]);
  });
});
