import { limitHeapGrowth, redisConnector, runService, startup } from "@oceanpos/core/lifecycle";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadLedgerConfig } from "./config.js";
import { createLedger } from "./ledger.js";

// Composition root, the only place that reads process.env: config → logger → clients → service → run.
const config = startup("ledger", () => loadLedgerConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "ledger", ...loggerOptionsOf(config) });
const stores = startup("ledger", () => loadStoresFile(config.STORES_FILE, process.env));

const ledger = await createLedger(config, { stores, logger, connect: redisConnector(config.REDIS_URL) });
await runService(ledger, {
  name: "ledger",
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  port: config.LEDGER_PORT,
  host: config.LEDGER_HOST,
});
