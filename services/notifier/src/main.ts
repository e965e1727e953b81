import { ShutdownCoordinator, limitHeapGrowth, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { createRedis } from "@oceanpos/core/redis";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadNotifierConfig } from "./config.js";
import { Notifier } from "./notifier.js";

// Composition root: the only place that reads process.env.
const config = startup("notifier", () => loadNotifierConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "notifier", level: config.LOG_LEVEL });
const stores = startup("notifier", () => loadStoresFile(config.STORES_FILE, process.env));
if (config.ALLOW_PRIVATE_WEBHOOK_URLS) logger.warn("ALLOW_PRIVATE_WEBHOOK_URLS=true: webhooks may reach private addresses");

const notifier = new Notifier({
  config,
  stores,
  logger,
  connect: (role, name, autoPipelining) => createRedis({ url: config.REDIS_URL, role, connectionName: name, autoPipelining }),
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
// Active deliveries get half the shutdown budget before their requests are aborted (and retried later).
for (const [name, step] of notifier.steps(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2))) shutdown.add(name, step);
shutdown.listen();

try {
  // Listen first: /readyz answers 503 until Redis is up, and notices are never refused at the door.
  await notifier.app.listen({ port: config.NOTIFIER_PORT, host: config.NOTIFIER_HOST });
  await notifier.start();
  logger.info({ stores: stores.all.length }, "notifier ready");
} catch (err) {
  logger.fatal({ err }, "notifier failed to start");
  await shutdown.shutdown("error");
}
