import { createMetricsRegistry, registerOpsRoutes } from "@oceanpos/core/http";
import { type Service, defineService } from "@oceanpos/core/lifecycle";
import type { Logger } from "@oceanpos/core/logger";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { Registry } from "prom-client";
import { type Sandbox, buildSandbox } from "./build-sandbox.js";
import type { SandboxConfig } from "./config.js";
import { defaultNoticeRetryDelaysMs } from "./notice-dispatcher.js";

export interface SandboxDeps {
  /** The terminals the sandbox accepts, with their secureCodes: those of the stores file. */
  stores: StoreRegistry;
  logger: Logger;
  /** Default: the process's own (`createMetricsRegistry("sandbox")`), served at `/metrics`. */
  registry?: Registry;
}

/**
 * The sandbox process: the emulator (`buildSandbox`, which tests build directly) with the ops
 * routes and the service shape. Nothing runs in the background until a payment asks for it.
 */
export async function createSandbox(config: Readonly<SandboxConfig>, deps: SandboxDeps): Promise<Sandbox & Service> {
  // One registry for Node's defaults and the sandbox's own counters.
  const registry = deps.registry ?? createMetricsRegistry("sandbox");
  const sandbox = buildSandbox({
    registry,
    credentials: deps.stores,
    pendingMs: config.SANDBOX_PENDING_MS,
    autoPayMs: config.SANDBOX_AUTO_PAY_MS,
    refundMs: config.SANDBOX_REFUND_MS,
    logger: deps.logger,
    noticeTimeoutMs: config.SANDBOX_NOTICE_TIMEOUT_MS,
    noticeRetryDelaysMs: defaultNoticeRetryDelaysMs.map((ms) => Math.round(ms * config.SANDBOX_NOTICE_RETRY_SCALE)),
  });
  let shuttingDown = false;
  registerOpsRoutes(sandbox.app, { registry, checks: {}, isShuttingDown: () => shuttingDown });
  return defineService({
    ...sandbox,
    start: async () => {},
    shutdownSteps: [
      { name: "mark-draining", close: () => void (shuttingDown = true) },
      { name: "http", close: () => sandbox.close() },
    ],
  });
}
