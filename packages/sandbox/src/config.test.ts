import { describe, expect, it } from "vitest";
import { loadSandboxConfig } from "./config.js";

describe("loadSandboxConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadSandboxConfig({});
    expect(config).toMatchObject({ SANDBOX_PORT: 3100, SANDBOX_HOST: "127.0.0.1", SANDBOX_PENDING_MS: 2000, SANDBOX_REFUND_MS: 1000 });
    expect(config.SANDBOX_AUTO_PAY_MS).toBeUndefined();
  });

  it("reads overrides and names a bad variable", () => {
    expect(loadSandboxConfig({ SANDBOX_AUTO_PAY_MS: "1500" }).SANDBOX_AUTO_PAY_MS).toBe(1500);
    expect(() => loadSandboxConfig({ SANDBOX_PORT: "70000" })).toThrow(/SANDBOX_PORT/);
    expect(loadSandboxConfig({ SANDBOX_REFUND_MS: "250" }).SANDBOX_REFUND_MS).toBe(250);
    expect(() => loadSandboxConfig({ SANDBOX_REFUND_MS: "-1" })).toThrow(/SANDBOX_REFUND_MS/);
  });

  it("resolves a relative STORES_FILE against the folder npm was run from", () => {
    expect(loadSandboxConfig({ INIT_CWD: "/repo", STORES_FILE: "my/stores.json" }).STORES_FILE).toBe("/repo/my/stores.json");
    expect(loadSandboxConfig({ INIT_CWD: "/repo" }).STORES_FILE).toMatch(/\/config\/stores\.example\.json$/);
    expect(loadSandboxConfig({ INIT_CWD: "/repo", STORES_FILE: "/etc/stores.json" }).STORES_FILE).toBe("/etc/stores.json");
  });
});
