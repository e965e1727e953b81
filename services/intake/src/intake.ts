import { AuditLog } from "@oceanpos/core/audit";
import { CallerAuth, createMetricsRegistry } from "@oceanpos/core/http";
import { jobCatalog } from "@oceanpos/core/jobs";
import { type RedisConnector, RedisConnections, type Service, defineService } from "@oceanpos/core/lifecycle";
import type { Logger } from "@oceanpos/core/logger";
import type { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentStore } from "@oceanpos/core/payments";
import { RefundStore } from "@oceanpos/core/refunds";
import { redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { Queue } from "bullmq";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import type { IntakeConfig } from "./config.js";
import { type IntakeQueues, catalogQueueNames } from "./jobs.js";
import { IntakeMetrics } from "./metrics.js";
import { openPaymentArchive } from "./payment-archive.js";
import { RecoverySweep } from "./recovery-sweep.js";
import { WebhookBoardQueues } from "./webhook-board-queues.js";

export interface IntakeDeps {
  stores: StoreRegistry;
  logger: Logger;
  /** Opens the intake's Redis connections; the intake closes them. */
  connect: RedisConnector;
  /** Default: the process's own (`createMetricsRegistry("intake")`). */
  registry?: Registry;
  /** The gateway client of operators' queries and resolves; the intake closes it. */
  client: OceanpaymentClient;
}

/**
 * The intake process: the POS API (`buildApp`) on Redis, the queues it produces to, Bull Board's
 * queues and the recovery sweep. `start()` starts the sweep.
 */
export async function createIntake(config: Readonly<IntakeConfig>, deps: IntakeDeps): Promise<Service> {
  const { logger } = deps;
  const keyPrefix = config.REDIS_KEY_PREFIX;
  const bullPrefix = redisKeys(keyPrefix).bullPrefix;
  const connections = new RedisConnections(deps.connect, logger);
  // Requests fail fast (503) while Redis is down; the subscriber waits for reconnection instead.
  // Payments and rate limits on an auto-pipelined connection (concurrent requests share writes);
  // BullMQ's queues on a plain one of their own.
  const redis = connections.open("producer", "intake", true);
  const subscriber = connections.open("worker", "intake-sub");
  const queueRedis = connections.open("producer", "intake-queues");
  const queues: IntakeQueues = {
    submit: new Queue(jobCatalog.submitPayment.queue, { connection: queueRedis, prefix: bullPrefix }),
    void: new Queue(jobCatalog.voidPayment.queue, { connection: queueRedis, prefix: bullPrefix }),
    refund: new Queue(jobCatalog.submitRefund.queue, { connection: queueRedis, prefix: bullPrefix }),
  };
  // Bull Board's queues: every queue of the catalog, on their own connection so that operators
  // browsing jobs never compete with (or fail fast like) the producer connection payments use.
  const boardRedis = connections.open("worker", "intake-board");
  const boardQueues = catalogQueueNames().map((name) => new Queue(name, { connection: boardRedis, prefix: bullPrefix }));
  // …and the notifier's webhook delivery queues, one per subscription, followed as they come and go.
  const webhookQueues = new WebhookBoardQueues({ redis: boardRedis, keyPrefix, bullPrefix, logger });
  const allQueues = [...Object.values(queues), ...boardQueues];
  for (const queue of allQueues) queue.on("error", (err: Error) => logger.warn({ err: err.message, queue: queue.name }, "queue error"));

  const registry = deps.registry ?? createMetricsRegistry("intake");
  const metrics = new IntakeMetrics(registry);
  const payments = new PaymentStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
  const refunds = new RefundStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
  // Read only for payments that have left Redis; never a readiness check.
  const archive = openPaymentArchive({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, logger });
  const audit = new AuditLog({ redis, keyPrefix });
  let draining = false;
  const app = await buildApp({
    corsOrigins: config.CORS_ORIGINS,
    redis,
    subscriber,
    stores: deps.stores,
    payments,
    refunds,
    queues,
    registry,
    metrics,
    logger,
    keyPrefix,
    bodyLimitBytes: config.INTAKE_BODY_LIMIT_BYTES,
    isDraining: () => draining,
    adminToken: config.ADMIN_TOKEN,
    client: deps.client,
    audit,
    board: { auth: new CallerAuth({ stores: deps.stores, adminToken: config.ADMIN_TOKEN }), audit, queues: boardQueues, moreQueues: () => webhookQueues.list(), readOnly: config.BULL_BOARD_READ_ONLY },
    archive,
  });
  const sweep = new RecoverySweep({
    payments,
    submitQueue: queues.submit,
    refunds: { store: refunds, queue: queues.refund },
    metrics,
    logger: logger.child({ component: "recovery-sweep" }),
    intervalMs: config.RECOVERY_SWEEP_INTERVAL_MS,
    ageMs: config.RECOVERY_SWEEP_AGE_MS,
  });

  return defineService({
    app,
    start: async () => sweep.start(),
    shutdownSteps: [
      { name: "mark-draining", close: () => void (draining = true) },
      { name: "http", close: () => app.close() },
      { name: "recovery-sweep", close: () => sweep.stop() },
      { name: "queues", close: async () => void (await Promise.all([...allQueues.map((q) => q.close()), webhookQueues.close()])) },
      { name: "oceanpayment-client", close: () => deps.client.close() },
      { name: "redis", close: () => connections.close() },
      { name: "archive", close: () => archive.close() },
    ],
  });
}
