import { limitHeapGrowth, runService, startup } from "@oceanpos/core/lifecycle";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadSandboxConfig } from "./config.js";
import { createSandbox } from "./sandbox.js";

// Composition root, the only place that reads process.env: config → logger → clients → service → run.
const config = startup("sandbox", () => loadSandboxConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "sandbox", ...loggerOptionsOf(config) });
// The sandbox accepts exactly the terminals of the stores file, with their secureCodes.
const stores = startup("sandbox", () => loadStoresFile(config.STORES_FILE, process.env));

const sandbox = await createSandbox(config, { stores, logger });
await runService(sandbox, {
  name: "sandbox",
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  port: config.SANDBOX_PORT,
  host: config.SANDBOX_HOST,
  readyFields: { terminals: new Set(stores.all.map((s) => s.oceanpayment.terminal)).size, pendingMs: config.SANDBOX_PENDING_MS },
});
