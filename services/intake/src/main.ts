import { limitHeapGrowth, redisConnector, runService, startup } from "@oceanpos/core/lifecycle";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadIntakeConfig } from "./config.js";
import { createIntake } from "./intake.js";

// Composition root, the only place that reads process.env: config → logger → clients → service → run.
const config = startup("intake", () => loadIntakeConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "intake", ...loggerOptionsOf(config) });
const stores = startup("intake", () => loadStoresFile(config.STORES_FILE, process.env));

// Operators' queries and resolves ask the gateway from here.
const client = OceanpaymentClient.fromSettings(config, logger.child({ component: "oceanpayment" }));

const intake = await createIntake(config, { stores, logger, connect: redisConnector(config.REDIS_URL), client });
await runService(intake, {
  name: "intake",
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  port: config.INTAKE_PORT,
  host: config.INTAKE_HOST,
  readyFields: { stores: stores.all.length },
});
