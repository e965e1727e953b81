import { limitHeapGrowth, redisConnector, runService, startup } from "@oceanpos/core/lifecycle";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadNotifierConfig } from "./config.js";
import { createNotifier } from "./notifier.js";

// Composition root, the only place that reads process.env: config → logger → clients → service → run.
const config = startup("notifier", () => loadNotifierConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "notifier", ...loggerOptionsOf(config) });
const stores = startup("notifier", () => loadStoresFile(config.STORES_FILE, process.env));

const notifier = await createNotifier(config, { stores, logger, connect: redisConnector(config.REDIS_URL) });
await runService(notifier, {
  name: "notifier",
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  port: config.NOTIFIER_PORT,
  host: config.NOTIFIER_HOST,
  readyFields: { stores: stores.all.length },
});
