import { buildOpsServer, createMetricsRegistry, registerQueueMetrics, registerStreamGroupMetrics } from "@oceanpos/core/http";
import { ShutdownCoordinator, limitHeapGrowth, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { submitFeed } from "@oceanpos/core/payments";
import { createRedis, redisKeys } from "@oceanpos/core/redis";
import { loadStoresFile } from "@oceanpos/core/stores";
import { loadPayerConfig } from "./config.js";
import { startPayer } from "./start-payer.js";

// Composition root: the only place that reads process.env.
const config = startup("payer", () => loadPayerConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "payer", level: config.LOG_LEVEL });
const stores = startup("payer", () => loadStoresFile(config.STORES_FILE, process.env));
const redis = createRedis({ url: config.REDIS_URL, role: "worker", connectionName: "payer" });
const storeRedis = createRedis({ url: config.REDIS_URL, role: "worker", connectionName: "payer-store", autoPipelining: true });
for (const connection of [redis, storeRedis]) connection.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));

const registry = createMetricsRegistry("payer");
const client = new OceanpaymentClient({
  gatewayUrl: config.OCEANPAYMENT_GATEWAY_URL,
  queryUrl: config.OCEANPAYMENT_QUERY_URL,
  timeouts: { payMs: config.OCEANPAYMENT_PAY_TIMEOUT_MS, queryMs: config.OCEANPAYMENT_QUERY_TIMEOUT_MS },
  logger: logger.child({ component: "oceanpayment" }),
});
const payer = startPayer({
  redis,
  storeRedis,
  keyPrefix: config.REDIS_KEY_PREFIX,
  stores,
  client,
  logger,
  registry,
  options: {
    concurrency: config.PAYER_CONCURRENCY,
    noticeUrl: config.NOTICE_URL,
    lockDurationMs: config.PAYER_LOCK_DURATION_MS,
    stalledIntervalMs: config.PAYER_STALLED_INTERVAL_MS,
    feedClaimIdleMs: config.SUBMIT_FEED_CLAIM_IDLE_MS,
    reconcileIntervalsMs: config.RECONCILE_SCHEDULE_MS,
    eventRetentionMs: config.EVENT_RETENTION_MS,
    reconcileTickMs: config.RECONCILE_TICK_MS,
    reconcileBatch: config.RECONCILE_BATCH,
    qrExpiryMs: config.QR_EXPIRY_MS,
    submitWatchdogMs: config.SUBMIT_WATCHDOG_MS,
    unsettledReviewAfterMs: config.UNSETTLED_REVIEW_AFTER_MS,
    gatewayRatePerTerminal: config.GATEWAY_RATE_PER_TERMINAL,
    gatewayBurstPerTerminal: config.GATEWAY_BURST_PER_TERMINAL,
  },
});

let shuttingDown = false;
registerQueueMetrics(registry, [payer.submitQueue, payer.voidQueue]);
registerStreamGroupMetrics(registry, storeRedis, [{ stream: "submits", key: redisKeys(config.REDIS_KEY_PREFIX).submits, group: submitFeed.group }]);
// Health and metrics only; any other path answers in the contract's error shape.
const app = buildOpsServer({
  logger: logger.child({ component: "http" }),
  registry,
  checks: { redis: () => redis.ping() },
  isShuttingDown: () => shuttingDown,
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
  .add("mark-draining", () => {
    shuttingDown = true;
  })
  .add("http", () => app.close())
  // Active jobs and first sends finish (a pay in flight gets its answer recorded); nothing new is taken.
  .add("workers", () => payer.closeWorkers())
  .add("reconciler", () => payer.closeReconciler())
  .add("queues", () => payer.closeQueues())
  .add("oceanpayment-client", () => client.close())
  .add("redis", async () => {
    await Promise.all([redis, storeRedis].map((c) => c.quit().catch(() => c.disconnect())));
  })
  .listen();

try {
  await app.listen({ port: config.PAYER_PORT, host: config.PAYER_HOST });
  logger.info({ stores: stores.all.length, concurrency: config.PAYER_CONCURRENCY, port: config.PAYER_PORT }, "payer ready");
} catch (err) {
  logger.fatal({ err }, "payer failed to start");
  await shutdown.shutdown("error");
}
