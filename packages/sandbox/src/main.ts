import { createMetricsRegistry, registerOpsRoutes } from "@oceanpos/core/http";
import { ShutdownCoordinator, limitHeapGrowth, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadSandboxConfig } from "./config.js";
import { buildSandbox } from "./index.js";
import { defaultNoticeRetryDelaysMs } from "./notice-dispatcher.js";

// Composition root: the only place that reads process.env.
const config = startup("sandbox", () => loadSandboxConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "sandbox", level: config.LOG_LEVEL });
// The sandbox accepts exactly the terminals of the stores file, with their secureCodes.
const stores = startup("sandbox", () => loadStoresFile(config.STORES_FILE, process.env));

// One registry for Node's defaults and the sandbox's own counters, served at /metrics.
const registry = createMetricsRegistry("sandbox");
const sandbox = buildSandbox({
  registry,
  credentials: stores,
  pendingMs: config.SANDBOX_PENDING_MS,
  autoPayMs: config.SANDBOX_AUTO_PAY_MS,
  refundMs: config.SANDBOX_REFUND_MS,
  logger,
  noticeTimeoutMs: config.SANDBOX_NOTICE_TIMEOUT_MS,
  noticeRetryDelaysMs: defaultNoticeRetryDelaysMs.map((ms) => Math.round(ms * config.SANDBOX_NOTICE_RETRY_SCALE)),
});

let shuttingDown = false;
registerOpsRoutes(sandbox.app, {
  registry,
  checks: {},
  isShuttingDown: () => shuttingDown,
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
  .add("mark-draining", () => {
    shuttingDown = true;
  })
  .add("http", () => sandbox.close())
  .listen();

try {
  await sandbox.app.listen({ port: config.SANDBOX_PORT, host: config.SANDBOX_HOST });
  logger.info(
    { terminals: new Set(stores.all.map((s) => s.oceanpayment.terminal)).size, pendingMs: config.SANDBOX_PENDING_MS },
    "sandbox ready",
  );
} catch (err) {
  logger.fatal({ err }, "sandbox failed to start");
  await shutdown.shutdown("error");
}
