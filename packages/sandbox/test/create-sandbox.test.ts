import { loadStoresFile } from "@oceanpos/core/stores";
import { createLogger } from "@oceanpos/core/logger";
import { afterEach, describe, expect, it } from "vitest";
import { loadSandboxConfig } from "../src/config.js";
import { createSandbox } from "../src/index.js";

/** The sandbox as `main.ts` builds it: the emulator with the ops routes and the service shape. */
describe("createSandbox", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function sandbox() {
    const config = loadSandboxConfig({ SANDBOX_NOTICE_RETRY_SCALE: "0" });
    const service = await createSandbox(config, { stores: loadStoresFile(config.STORES_FILE, {}), logger: createLogger({ name: "sandbox-test", level: "silent" }) });
    closers.push(() => service.close());
    return service;
  }

  it("serves the ops routes with the emulator's counters, and its controls", async () => {
    const service = await sandbox();
    await service.start();
    expect((await service.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await service.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    expect((await service.app.inject({ method: "GET", url: "/sandbox/ledger" })).json()).toEqual({ orders: [] });
    expect((await service.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(/^# TYPE sandbox_requests_total counter$/m);
  });

  it("is no longer ready from its first shutdown step on, and closes twice safely", async () => {
    const service = await sandbox();
    expect(service.shutdownSteps.map((s) => s.name)).toEqual(["mark-draining", "http"]);
    await (service.shutdownSteps[0] as (typeof service.shutdownSteps)[number]).close();
    expect((await service.app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ status: "unavailable", shuttingDown: true });
    await service.close();
    await service.close();
  });
});
