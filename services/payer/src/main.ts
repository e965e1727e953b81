import { limitHeapGrowth, redisConnector, runService, startup } from "@oceanpos/core/lifecycle";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadPayerConfig } from "./config.js";
import { createPayer } from "./payer.js";

// Composition root, the only place that reads process.env: config → logger → clients → service → run.
const config = startup("payer", () => loadPayerConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "payer", ...loggerOptionsOf(config) });
const stores = startup("payer", () => loadStoresFile(config.STORES_FILE, process.env));
const client = OceanpaymentClient.fromSettings(config, logger.child({ component: "oceanpayment" }));

const payer = await createPayer(config, { stores, logger, connect: redisConnector(config.REDIS_URL), client });
await runService(payer, {
  name: "payer",
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  port: config.PAYER_PORT,
  host: config.PAYER_HOST,
  readyFields: { stores: stores.all.length, concurrency: config.PAYER_CONCURRENCY },
});
