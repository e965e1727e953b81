import { isAbsolute, resolve } from "node:path";
import { registerOpsRoutes, createMetricsRegistry } from "@oceanpos/core/http";
import { ShutdownCoordinator } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { loadStoresFile } from "@oceanpos/core/stores";
import { buildSandbox } from "./index.js";
import { loadSandboxConfig } from "./config.js";
import { defaultNoticeRetryDelaysMs } from "./notice-dispatcher.js";

// Composition root: the only place that reads process.env.
const config = loadSandboxConfig(process.env);
const logger = createLogger({ name: "sandbox", level: config.LOG_LEVEL });

// `npm run start -w packages/sandbox` runs with the package as cwd; a relative STORES_FILE means
// the directory npm was invoked from (INIT_CWD), normally the repository root.
const base = process.env.INIT_CWD ?? process.cwd();
const storesFile = isAbsolute(config.STORES_FILE) ? config.STORES_FILE : resolve(base, config.STORES_FILE);
const stores = loadStoresFile(storesFile, process.env);

const sandbox = buildSandbox({
  credentials: stores,
  pendingMs: config.SANDBOX_PENDING_MS,
  autoPayMs: config.SANDBOX_AUTO_PAY_MS,
  logger,
  noticeTimeoutMs: config.SANDBOX_NOTICE_TIMEOUT_MS,
  noticeRetryDelaysMs: defaultNoticeRetryDelaysMs.map((ms) => Math.round(ms * config.SANDBOX_NOTICE_RETRY_SCALE)),
});

let shuttingDown = false;
registerOpsRoutes(sandbox.app, {
  registry: createMetricsRegistry("sandbox"),
  checks: {},
  isShuttingDown: () => shuttingDown,
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
  .add("http", async () => {
    shuttingDown = true;
    await sandbox.close();
  })
  .listen();

try {
  await sandbox.app.listen({ port: config.SANDBOX_PORT, host: config.SANDBOX_HOST });
  logger.info(
    { port: config.SANDBOX_PORT, host: config.SANDBOX_HOST, storesFile, pendingMs: config.SANDBOX_PENDING_MS },
    "sandbox listening",
  );
} catch (err) {
  logger.error({ err }, "sandbox failed to start");
  await shutdown.shutdown("error");
}
