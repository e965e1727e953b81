import { createMetricsRegistry, registerOpsRoutes } from "@oceanpos/core/http";
import { ShutdownCoordinator, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { createRedis } from "@oceanpos/core/redis";
import { loadStoresFile } from "@oceanpos/core/stores";
import Fastify from "fastify";
import { loadPayerConfig } from "./config.js";

// Composition root: the only place that reads process.env.
const config = startup("payer", () => loadPayerConfig(process.env));
const logger = createLogger({ name: "payer", level: config.LOG_LEVEL });
const stores = startup("payer", () => loadStoresFile(config.STORES_FILE, process.env));
const redis = createRedis({ url: config.REDIS_URL, role: "worker", connectionName: "payer" });
redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));

const registry = createMetricsRegistry("payer");
const app = Fastify({ loggerInstance: logger.child({ component: "http" }) });
let shuttingDown = false;
registerOpsRoutes(app, { registry, checks: { redis: () => redis.ping() }, isShuttingDown: () => shuttingDown });

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
  .add("mark-draining", () => {
    shuttingDown = true;
  })
  .add("http", () => app.close())
  .add("redis", async () => {
    await redis.quit().catch(() => redis.disconnect());
  })
  .listen();

try {
  await app.listen({ port: config.PAYER_PORT, host: config.PAYER_HOST });
  logger.info({ stores: stores.all.length }, "payer ready");
} catch (err) {
  logger.fatal({ err }, "payer failed to start");
  await shutdown.shutdown("error");
}
