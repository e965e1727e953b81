import { createMetricsRegistry } from "@oceanpos/core/http";
import { jobCatalog } from "@oceanpos/core/jobs";
import { ShutdownCoordinator, limitHeapGrowth, startup } from "@oceanpos/core/lifecycle";
import { createLogger } from "@oceanpos/core/logger";
import { PaymentStore } from "@oceanpos/core/payments";
import { createRedis, redisKeys } from "@oceanpos/core/redis";
import { loadStoresFile } from "@oceanpos/core/stores";
import { Queue } from "bullmq";
import { buildApp } from "./app.js";
import { loadIntakeConfig } from "./config.js";
import { type IntakeQueues, catalogQueueNames } from "./jobs.js";
import { IntakeMetrics } from "./metrics.js";
import { RecoverySweep } from "./recovery-sweep.js";

// Composition root: the only place that reads process.env.
const config = startup("intake", () => loadIntakeConfig(process.env));
limitHeapGrowth(config.HEAP_GROWING_PERCENT);
const logger = createLogger({ name: "intake", level: config.LOG_LEVEL });
const stores = startup("intake", () => loadStoresFile(config.STORES_FILE, process.env));
const keyPrefix = config.REDIS_KEY_PREFIX;

// Requests fail fast (503) while Redis is down; the subscriber waits for reconnection instead.
// Payments and rate limits on an auto-pipelined connection (concurrent requests share writes);
// BullMQ's queues on a plain one of their own.
const redis = createRedis({ url: config.REDIS_URL, role: "producer", connectionName: "intake", autoPipelining: true });
const queueRedis = createRedis({ url: config.REDIS_URL, role: "producer", connectionName: "intake-queues" });
const subscriber = createRedis({ url: config.REDIS_URL, role: "worker", connectionName: "intake-sub" });
redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
queueRedis.on("error", (err) => logger.warn({ err: err.message }, "redis queue connection error"));
subscriber.on("error", (err) => logger.warn({ err: err.message }, "redis subscriber connection error"));

const bullPrefix = redisKeys(keyPrefix).bullPrefix;
const queues: IntakeQueues = {
  submit: new Queue(jobCatalog.submitPayment.queue, { connection: queueRedis, prefix: bullPrefix }),
  void: new Queue(jobCatalog.voidPayment.queue, { connection: queueRedis, prefix: bullPrefix }),
};
for (const queue of Object.values(queues)) {
  queue.on("error", (err: Error) => logger.warn({ err: err.message, queue: queue.name }, "queue error"));
}

// Bull Board's queues: every queue of the catalog, on their own connection so that operators
// browsing jobs never compete with (or fail fast like) the producer connection payments use.
const boardRedis = createRedis({ url: config.REDIS_URL, role: "worker", connectionName: "intake-board" });
boardRedis.on("error", (err) => logger.warn({ err: err.message }, "redis board connection error"));
const boardQueues = catalogQueueNames().map((name) => new Queue(name, { connection: boardRedis, prefix: bullPrefix }));
for (const queue of boardQueues) {
  queue.on("error", (err: Error) => logger.warn({ err: err.message, queue: queue.name }, "board queue error"));
}

const registry = createMetricsRegistry("intake");
const metrics = new IntakeMetrics(registry);
const payments = new PaymentStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
let draining = false;
const app = await buildApp({
  redis,
  subscriber,
  stores,
  payments,
  queues,
  registry,
  metrics,
  logger,
  keyPrefix,
  bodyLimitBytes: config.INTAKE_BODY_LIMIT_BYTES,
  isDraining: () => draining,
  board: { adminToken: config.ADMIN_TOKEN, queues: boardQueues },
});
const sweep = new RecoverySweep({
  payments,
  submitQueue: queues.submit,
  metrics,
  logger: logger.child({ component: "recovery-sweep" }),
  intervalMs: config.RECOVERY_SWEEP_INTERVAL_MS,
  ageMs: config.RECOVERY_SWEEP_AGE_MS,
});

const shutdown = new ShutdownCoordinator({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
  .add("mark-draining", () => {
    draining = true;
  })
  .add("http", () => app.close())
  .add("recovery-sweep", () => sweep.stop())
  .add("queues", async () => {
    await Promise.all([...Object.values(queues), ...boardQueues].map((q) => q.close()));
  })
  .add("redis", async () => {
    await Promise.all([redis, queueRedis, subscriber, boardRedis].map((c) => c.quit().catch(() => c.disconnect())));
  })
  .listen();

try {
  await app.listen({ port: config.INTAKE_PORT, host: config.INTAKE_HOST });
  sweep.start();
  logger.info({ stores: stores.all.length, port: config.INTAKE_PORT }, "intake ready");
} catch (err) {
  logger.fatal({ err }, "intake failed to start");
  await shutdown.shutdown("error");
}
