import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { jobCatalog } from "@oceanpos/core/jobs";
import type { Logger } from "@oceanpos/core/logger";
import type { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { TokenBucket, rateLimitScopes } from "@oceanpos/core/rate-limit";
import { type Redis, redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { Queue, Worker } from "bullmq";
import type { Registry } from "prom-client";
import { type GatewayLimiter, TerminalRateLimiter } from "./gateway-limiter.js";
import { OutageBackoff, type OutageBackoffOptions } from "./outage-backoff.js";
import { PayerMetrics } from "./payer-metrics.js";
import { PaymentRecorder } from "./payment-recorder.js";
import { Reconciler } from "./reconciler.js";
import { SettlementWindow } from "./settlement-window.js";
import { SubmitFeed, type SubmitJobOptions } from "./submit-feed.js";
import { SubmitProcessor } from "./submit-processor.js";
import { VoidProcessor } from "./void-processor.js";

/** Tunables of a payer (from `PayerConfig` in production, chosen by tests). */
export interface PayerOptions {
  /** Jobs worked on at once per queue. Default 100. */
  concurrency?: number;
  noticeUrl: string;
  /** BullMQ lock of an active job. Default 30 000 ms. */
  lockDurationMs?: number;
  /** How often stalled jobs (of crashed payers) are looked for. Default 30 000 ms. */
  stalledIntervalMs?: number;
  /** Reconciliation check delays; the last repeats. */
  reconcileIntervalsMs?: readonly number[];
  /** Default 500 ms. */
  reconcileTickMs?: number;
  /** Default 1 000. */
  reconcileBatch?: number;
  /** Default 10 min. */
  qrExpiryMs?: number;
  /** Default 10 min. */
  submitWatchdogMs?: number;
  /**
   * `UNSETTLED_REVIEW_AFTER_MS`: a payment whose outcome is still unknown this long after its
   * submit began goes to `needs_review`. Default 15 min.
   */
  unsettledReviewAfterMs?: number;
  /** A `needs_review` payment is queried at least this often until the gateway settles it. Default 30 000 ms. */
  reviewQueryMs?: number;
  /** Waits after gateway calls that get no answer. Default 1 s doubling to 10 s, with jitter. */
  outageBackoff?: OutageBackoffOptions;
  /** Gateway calls per second and terminal. Default 50. */
  gatewayRatePerTerminal?: number;
  /** Default 100. */
  gatewayBurstPerTerminal?: number;
  /** Attempts and backoff of the submit jobs this payer queues; default the job catalog's. */
  submitJobOptions?: SubmitJobOptions;
  /** Submit feed entries of a dead payer are claimed after this long. Default 60 000 ms. */
  feedClaimIdleMs?: number;
  /** Start the reconciliation loop. Default true. */
  reconcile?: boolean;
  /** `EVENT_RETENTION_MS`: how long events stay in the stream. Default 7 days. */
  eventRetentionMs?: number;
}

export interface PayerDeps {
  /** A worker-role connection (`maxRetriesPerRequest: null`) for BullMQ; shared, never closed by the payer. */
  redis: Redis;
  /**
   * The payment store's, schedule's and rate limiter's connection, worker role too; default
   * `redis`. Production passes an auto-pipelined one (never BullMQ's): the commands of concurrent
   * jobs then share writes.
   */
  storeRedis?: Redis;
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string;
  stores: StoreRegistry;
  client: OceanpaymentClient;
  logger: Logger;
  registry: Registry;
  options: PayerOptions;
  /** Replaces the per-terminal Redis token bucket. */
  limiter?: GatewayLimiter;
  clock?: () => number;
  /** This process's submit feed consumer name; default `<host>-<pid>-<random>`. */
  consumerName?: string;
}

/**
 * A running payer. Close steps in shutdown order: workers (the submit feed with them) → reconciler
 * → queues (each safe twice).
 */
export interface Payer {
  metrics: PayerMetrics;
  schedule: ReconcileSchedule;
  reconciler: Reconciler;
  submitQueue: Queue;
  voidQueue: Queue;
  closeWorkers(): Promise<void>;
  closeReconciler(): Promise<void>;
  closeQueues(): Promise<void>;
  /** All of the above, in order. */
  close(): Promise<void>;
}

/** Builds and starts the payer's workers and reconciliation loop. */
export function startPayer(deps: PayerDeps): Payer {
  const { redis, keyPrefix, stores, client, logger, options } = deps;
  const storeRedis = deps.storeRedis ?? redis;
  const clock = deps.clock ?? Date.now;
  const prefix = redisKeys(keyPrefix).bullPrefix;
  const metrics = new PayerMetrics(deps.registry);
  const store = new PaymentStore({ redis: storeRedis, keyPrefix, ...(options.eventRetentionMs ? { eventRetentionMs: options.eventRetentionMs } : {}) });
  const schedule = new ReconcileSchedule({ redis: storeRedis, keyPrefix, intervalsMs: options.reconcileIntervalsMs });
  const limiter =
    deps.limiter ??
    new TerminalRateLimiter({
      bucket: new TokenBucket({ redis: storeRedis, keyPrefix, scope: rateLimitScopes.terminal }),
      ratePerSec: options.gatewayRatePerTerminal ?? 50,
      burst: options.gatewayBurstPerTerminal ?? 100,
    });
  const reviewQueryMs = options.reviewQueryMs ?? 30_000;
  const recorder = new PaymentRecorder({ store, schedule, metrics, clock, reviewQueryMs });
  // One per process, shared: a gateway that fails the submits' calls fails the reconciler's too.
  const backoff = new OutageBackoff(options.outageBackoff);
  const window = new SettlementWindow(options.unsettledReviewAfterMs ?? 900_000);

  const submitQueue = new Queue(jobCatalog.submitPayment.queue, { connection: redis, prefix });
  const voidQueue = new Queue(jobCatalog.voidPayment.queue, { connection: redis, prefix });
  for (const queue of [submitQueue, voidQueue]) {
    queue.on("error", (err) => logger.warn({ queue: queue.name, err: err.message }, "queue error"));
  }

  const submit = new SubmitProcessor({
    store, stores, client, recorder, schedule, limiter, metrics, clock,
    logger: logger.child({ component: "submit" }),
    noticeUrl: options.noticeUrl,
    watchdogMs: options.submitWatchdogMs ?? 600_000,
    backoff,
    window,
  });
  const voids = new VoidProcessor({ store, stores, client, recorder, limiter, metrics, logger: logger.child({ component: "void" }) });
  const workerOptions = {
    connection: redis,
    prefix,
    concurrency: options.concurrency ?? 100,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job whose payer died comes back (and queries first); a job that kills payers every time
    // fails for good after this many and the watchdog settles its payment.
    maxStalledCount: 3,
  };
  const feed = new SubmitFeed({
    // Its own connection: the blocking read holds it.
    redis: redis.duplicate({ connectionName: "payer-feed" }),
    acks: storeRedis,
    streamKey: redisKeys(keyPrefix).submits,
    consumer: deps.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    submit,
    queue: submitQueue,
    metrics,
    logger: logger.child({ component: "submit-feed" }),
    concurrency: options.concurrency ?? 100,
    ...(options.feedClaimIdleMs === undefined ? {} : { claimIdleMs: options.feedClaimIdleMs }),
    ...(options.submitJobOptions === undefined ? {} : { jobOptions: options.submitJobOptions }),
  });
  void feed.start();
  const workers = [
    new Worker(jobCatalog.submitPayment.queue, submit.process, { ...workerOptions, name: "payer-submit" }),
    new Worker(jobCatalog.voidPayment.queue, voids.process, { ...workerOptions, name: "payer-void" }),
  ];
  for (const worker of workers) {
    worker.on("error", (err) => logger.warn({ worker: worker.name, err: err.message }, "worker error"));
    worker.on("failed", (job, err) => {
      if (job && err.name !== "DelayedError") logger.warn({ jobId: job.id, queue: job.queueName, reason: err.message }, "job run failed");
    });
  }

  const reconciler = new Reconciler({
    schedule, store, stores, client, recorder, limiter, metrics, submitQueue, voidQueue, clock,
    logger: logger.child({ component: "reconciler" }),
    tickMs: options.reconcileTickMs ?? 500,
    batch: options.reconcileBatch ?? 1_000,
    qrExpiryMs: options.qrExpiryMs ?? 600_000,
    backoff,
    window,
    reviewQueryMs,
  });
  if (options.reconcile ?? true) reconciler.start();

  let workersClosed: Promise<void> | undefined;
  let queuesClosed: Promise<void> | undefined;
  const payer: Payer = {
    metrics,
    schedule,
    reconciler,
    submitQueue,
    voidQueue,
    closeWorkers: () => (workersClosed ??= Promise.all([feed.close(), ...workers.map((w) => w.close())]).then(() => undefined)),
    closeReconciler: () => reconciler.close(),
    closeQueues: () => (queuesClosed ??= Promise.all([submitQueue.close(), voidQueue.close()]).then(() => undefined)),
    close: async () => {
      await payer.closeWorkers();
      await payer.closeReconciler();
      await payer.closeQueues();
    },
  };
  return payer;
}
