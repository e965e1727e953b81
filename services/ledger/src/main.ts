import { ShutdownCoordinator, limitHeapGrowth, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { createRedis } from "@oceanpos/core/redis";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadLedgerConfig } from "./config.js";
import { Ledger } from "./ledger.js";

// Composition root: the only place that reads process.env.
const config = startup("ledger", () => loadLedgerConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "ledger", level: config.LOG_LEVEL });
const stores = startup("ledger", () => loadStoresFile(config.STORES_FILE, process.env));

const ledger = await Ledger.create({
  config,
  stores,
  logger,
  connect: (role, name) => createRedis({ url: config.REDIS_URL, role, connectionName: name }),
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
for (const [name, step] of ledger.steps()) shutdown.add(name, step);
shutdown.listen();

try {
  // Listen first: /readyz answers 503 until PostgreSQL and Redis answer.
  await ledger.app.listen({ port: config.LEDGER_PORT, host: config.LEDGER_HOST });
  await ledger.start();
  logger.info({ port: config.LEDGER_PORT }, "ledger ready");
} catch (err) {
  logger.fatal({ err }, "ledger failed to start");
  await shutdown.shutdown("error");
}
