import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { buildOpsServer, createMetricsRegistry, registerQueueMetrics, registerStreamGroupMetrics } from "@oceanpos/core/http";
import { jobCatalog } from "@oceanpos/core/jobs";
import { type RedisConnector, RedisConnections, type Service, defineService } from "@oceanpos/core/lifecycle";
import type { Logger } from "@oceanpos/core/logger";
import type { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentRecorder, PaymentStore, ReconcileSchedule, defaultReviewQueryMs, submitFeed } from "@oceanpos/core/payments";
import { TokenBucket, rateLimitScopes } from "@oceanpos/core/rate-limit";
import { redisKeys } from "@oceanpos/core/redis";
import { type RefundRef, RefundStore, refundFeed, refundSchedule } from "@oceanpos/core/refunds";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { Queue, Worker } from "bullmq";
import type { Registry } from "prom-client";
import type { PayerConfig } from "./config.js";
import { type GatewayLimiter, TerminalRateLimiter } from "./gateway-limiter.js";
import { OutageBackoff, type OutageBackoffOptions } from "./outage-backoff.js";
import { PayerMetrics } from "./payer-metrics.js";
import { Reconciler } from "./reconciler.js";
import { RefundFeed } from "./refund-feed.js";
import { RefundProcessor } from "./refund-processor.js";
import { RefundReconciler } from "./refund-reconciler.js";
import { RefundRecorder } from "./refund-recorder.js";
import { SettlementWindow } from "./settlement-window.js";
import { SubmitFeed, type SubmitJobOptions } from "./submit-feed.js";
import { SubmitProcessor } from "./submit-processor.js";
import { VoidProcessor } from "./void-processor.js";

/** What tests tune besides the settings (production keeps every default). */
export interface PayerTuning {
  /** A `needs_review` payment is queried at least this often until the gateway settles it. Default 30 000 ms. */
  reviewQueryMs?: number;
  /** Waits after gateway calls that get no answer. Default 1 s doubling to 10 s, with jitter. */
  outageBackoff?: OutageBackoffOptions;
  /** Attempts and backoff of the submit jobs this payer queues; default the job catalog's. */
  submitJobOptions?: SubmitJobOptions;
  /** Attempts and backoff of the refund jobs this payer queues; default the job catalog's. */
  refundJobOptions?: SubmitJobOptions;
  /** Run the reconciliation loops (payments, refunds). Default true. */
  reconcile?: boolean;
}

export interface PayerDeps {
  stores: StoreRegistry;
  logger: Logger;
  /** Opens the payer's Redis connections (worker role: BullMQ's, and the store's); the payer closes them. */
  connect: RedisConnector;
  /** The gateway client; the payer closes it. */
  client: OceanpaymentClient;
  /** Default: the process's own (`createMetricsRegistry("payer")`). */
  registry?: Registry;
  /** Replaces the per-terminal Redis token bucket. */
  limiter?: GatewayLimiter;
  clock?: () => number;
  /** This process's submit feed consumer name; default `<host>-<pid>-<random>`. */
  consumerName?: string;
  tuning?: PayerTuning;
}

/** The payer process: its ops server as `app`, and what tests look into. */
export interface Payer extends Service {
  metrics: PayerMetrics;
  schedule: ReconcileSchedule;
  reconciler: Reconciler;
  /** The first sends read from the submit feed. */
  feed: SubmitFeed;
  submitQueue: Queue;
  voidQueue: Queue;
  /** Refunds: their first applyRefund from the refund feed, their jobs and their reconciliation. */
  refundFeed: RefundFeed;
  refundQueue: Queue;
  refundSchedule: ReconcileSchedule<RefundRef>;
  refundReconciler: RefundReconciler;
  /** The "workers" shutdown step: the submit feed and the workers stop taking work; what is in hand finishes. */
  closeWorkers(): Promise<void>;
}

/**
 * The payer process: the submit feed's first sends, the submit and void workers, the
 * reconciliation loop; for refunds the refund feed's first applyRefund, the refund worker and the
 * refund reconciliation loop; and an HTTP server of ops routes only. `start()` starts the work.
 */
export async function createPayer(config: Readonly<PayerConfig>, deps: PayerDeps): Promise<Payer> {
  const { stores, client, logger } = deps;
  const tuning = deps.tuning ?? {};
  const keyPrefix = config.REDIS_KEY_PREFIX;
  const keys = redisKeys(keyPrefix);
  const clock = deps.clock ?? Date.now;
  const connections = new RedisConnections(deps.connect, logger);
  // BullMQ's; the store's, schedule's and rate limiter's on an auto-pipelined one (the commands
  // of concurrent jobs share writes); the feed's blocking read on its own.
  const redis = connections.open("worker", "payer");
  const storeRedis = connections.open("worker", "payer-store", true);
  const feedRedis = connections.open("worker", "payer-feed");
  const registry = deps.registry ?? createMetricsRegistry("payer");
  const metrics = new PayerMetrics(registry);
  const store = new PaymentStore({ redis: storeRedis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
  const schedule = new ReconcileSchedule({ redis: storeRedis, keyPrefix, intervalsMs: config.RECONCILE_SCHEDULE_MS });
  const limiter =
    deps.limiter ??
    new TerminalRateLimiter({
      bucket: new TokenBucket({ redis: storeRedis, keyPrefix, scope: rateLimitScopes.terminal }),
      ratePerSec: config.GATEWAY_RATE_PER_TERMINAL,
      burst: config.GATEWAY_BURST_PER_TERMINAL,
    });
  const reviewQueryMs = tuning.reviewQueryMs ?? defaultReviewQueryMs;
  const recorder = new PaymentRecorder({ store, schedule, metrics, clock, reviewQueryMs });
  // One per process, shared: a gateway that fails the submits' calls fails the reconciler's too.
  const backoff = new OutageBackoff(tuning.outageBackoff);
  const window = new SettlementWindow(config.UNSETTLED_REVIEW_AFTER_MS);

  const submitQueue = new Queue(jobCatalog.submitPayment.queue, { connection: redis, prefix: keys.bullPrefix });
  const voidQueue = new Queue(jobCatalog.voidPayment.queue, { connection: redis, prefix: keys.bullPrefix });
  const refundQueue = new Queue(jobCatalog.submitRefund.queue, { connection: redis, prefix: keys.bullPrefix });
  const queues = [submitQueue, voidQueue, refundQueue];
  for (const queue of queues) {
    queue.on("error", (err) => logger.warn({ queue: queue.name, err: err.message }, "queue error"));
  }

  const submit = new SubmitProcessor({
    store, stores, client, recorder, schedule, limiter, metrics, clock,
    logger: logger.child({ component: "submit" }),
    noticeUrl: config.NOTICE_URL,
    watchdogMs: config.SUBMIT_WATCHDOG_MS,
    payQueryAfterMs: config.OCEANPAYMENT_PAY_QUERY_AFTER_MS,
    backoff,
    window,
  });
  const voids = new VoidProcessor({ store, stores, client, recorder, limiter, metrics, logger: logger.child({ component: "void" }) });
  const workerOptions = {
    connection: redis,
    prefix: keys.bullPrefix,
    concurrency: config.PAYER_CONCURRENCY,
    lockDuration: config.PAYER_LOCK_DURATION_MS,
    stalledInterval: config.PAYER_STALLED_INTERVAL_MS,
    // A job whose payer died comes back (and queries first); a job that kills payers every time
    // fails for good after this many and the watchdog settles its payment.
    maxStalledCount: 3,
    // Started by start(), not by the constructor.
    autorun: false,
  };
  const consumer = deps.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const feed = new SubmitFeed({
    redis: feedRedis,
    acks: storeRedis,
    streamKey: keys.submits,
    consumer,
    submit,
    store,
    queue: submitQueue,
    metrics,
    logger: logger.child({ component: "submit-feed" }),
    concurrency: config.PAYER_CONCURRENCY,
    claimIdleMs: config.SUBMIT_FEED_CLAIM_IDLE_MS,
    ...(tuning.submitJobOptions === undefined ? {} : { jobOptions: tuning.submitJobOptions }),
  });
  const refunds = new RefundStore({ redis: storeRedis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
  const refundsSchedule = refundSchedule({ redis: storeRedis, keyPrefix, intervalsMs: config.REFUND_RECONCILE_SCHEDULE_MS });
  const refundRecorder = new RefundRecorder({ store: refunds, schedule: refundsSchedule, metrics, clock });
  const refundProcessor = new RefundProcessor({
    refunds, payments: store, stores, client, limiter, metrics, clock, backoff, window,
    recorder: refundRecorder,
    schedule: refundsSchedule,
    logger: logger.child({ component: "refund" }),
    watchdogMs: config.SUBMIT_WATCHDOG_MS,
    resendAfterMs: config.OCEANPAYMENT_PAY_TIMEOUT_MS,
  });
  const refundsFeed = new RefundFeed({
    redis: connections.open("worker", "payer-refund-feed"),
    acks: storeRedis,
    streamKey: keys.refundFeed,
    consumer: `${consumer}-refunds`,
    refunds,
    processor: refundProcessor,
    queue: refundQueue,
    runs: metrics.refundFeedRuns,
    logger: logger.child({ component: "refund-feed" }),
    concurrency: config.PAYER_CONCURRENCY,
    claimIdleMs: config.SUBMIT_FEED_CLAIM_IDLE_MS,
    ...(tuning.refundJobOptions === undefined ? {} : { jobOptions: tuning.refundJobOptions }),
  });
  const workers = [
    new Worker(jobCatalog.submitPayment.queue, submit.process, { ...workerOptions, name: "payer-submit" }),
    new Worker(jobCatalog.voidPayment.queue, voids.process, { ...workerOptions, name: "payer-void" }),
    new Worker(jobCatalog.submitRefund.queue, refundProcessor.process, { ...workerOptions, name: "payer-refund" }),
  ];
  for (const worker of workers) {
    worker.on("error", (err) => logger.warn({ worker: worker.name, err: err.message }, "worker error"));
    worker.on("failed", (job, err) => {
      if (job && err.name !== "DelayedError") logger.warn({ jobId: job.id, queue: job.queueName, reason: err.message }, "job run failed");
    });
  }
  const reconciler = new Reconciler({
    schedule, store, stores, client, recorder, limiter, metrics, voidQueue, feed, clock,
    logger: logger.child({ component: "reconciler" }),
    tickMs: config.RECONCILE_TICK_MS,
    batch: config.RECONCILE_BATCH,
    qrExpiryMs: config.QR_EXPIRY_MS,
    backoff,
    window,
    reviewQueryMs,
  });

  const refundReconciler = new RefundReconciler({
    schedule: refundsSchedule, refunds, payments: store, stores, client, limiter, metrics, clock, backoff, window,
    recorder: refundRecorder,
    feed: refundsFeed,
    logger: logger.child({ component: "refund-reconciler" }),
    tickMs: config.RECONCILE_TICK_MS,
    batch: config.RECONCILE_BATCH,
    refundWindow: new SettlementWindow(config.REFUND_REVIEW_AFTER_MS),
  });

  let shuttingDown = false;
  registerQueueMetrics(registry, queues);
  registerStreamGroupMetrics(registry, storeRedis, [
    { stream: "submits", key: keys.submits, group: submitFeed.group },
    { stream: "refunds", key: keys.refundFeed, group: refundFeed.group },
  ]);
  // Health and metrics only; any other path answers in the contract's error shape.
  const app = buildOpsServer({
    logger: logger.child({ component: "http" }),
    registry,
    checks: { redis: () => redis.ping() },
    isShuttingDown: () => shuttingDown,
  });

  let workersClosed: Promise<void> | undefined;
  let queuesClosed: Promise<void> | undefined;
  const closeWorkers = () => (workersClosed ??= Promise.all([feed.close(), refundsFeed.close(), ...workers.map((w) => w.close())]).then(() => undefined));
  return defineService({
    app,
    metrics,
    schedule,
    reconciler,
    feed,
    submitQueue,
    voidQueue,
    refundFeed: refundsFeed,
    refundQueue,
    refundSchedule: refundsSchedule,
    refundReconciler,
    closeWorkers,
    start: async () => {
      void feed.start();
      void refundsFeed.start();
      for (const worker of workers) worker.run().catch((err: Error) => logger.error({ worker: worker.name, err: err.message }, "worker stopped"));
      if (tuning.reconcile ?? true) {
        reconciler.start();
        refundReconciler.start();
      }
    },
    shutdownSteps: [
      { name: "mark-draining", close: () => void (shuttingDown = true) },
      { name: "http", close: () => app.close() },
      // Active jobs and first sends finish (a pay in flight gets its answer recorded); nothing new is taken.
      { name: "workers", close: closeWorkers },
      { name: "reconciler", close: () => Promise.all([reconciler.close(), refundReconciler.close()]).then(() => undefined) },
      { name: "queues", close: () => (queuesClosed ??= Promise.all(queues.map((queue) => queue.close())).then(() => undefined)) },
      { name: "oceanpayment-client", close: () => client.close() },
      { name: "redis", close: () => connections.close() },
    ],
  });
}
