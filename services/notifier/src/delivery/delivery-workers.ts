import type { Redis } from "ioredis";
import { type Job, Worker } from "bullmq";
import { endJob } from "@oceanpos/core/jobs";
import { deliveryQueueName, retryDelayMs } from "@oceanpos/core/webhooks";
import type { Subscription } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";
import { type DeliveryProcessor, DeliveryRetryError } from "./delivery-processor.js";

export interface DeliveryWorkersOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); each Worker adds its own blocking duplicate. */
  connection: Redis;
  /** BullMQ `prefix`. */
  prefix: string;
  processor: DeliveryProcessor;
  logger: Logger;
  /** Deliveries in flight per subscription in this process; default 4. */
  concurrency?: number;
  /** `WEBHOOK_RETRY_SCALE`, for retries of unexpected errors; default 1. */
  retryScale?: number;
  /** `WEBHOOK_LOCK_DURATION_MS`: BullMQ lock of a delivery in flight; default 30 000. */
  lockDurationMs?: number;
  /** `WEBHOOK_STALLED_INTERVAL_MS`: how often stalled deliveries are looked for; default 30 000. */
  stalledIntervalMs?: number;
}

/**
 * One BullMQ Worker per subscription, each with a small concurrency. This is the isolation: a
 * hanging or dead endpoint can hold at most `concurrency` slots — its own — and its backlog of
 * retries sits in its own queue, so a healthy subscription is never queued behind it.
 * Cost: one blocking Redis connection per subscription per process (subscriptions are operator-
 * created back-office endpoints: tens, not thousands).
 */
export class DeliveryWorkers {
  private readonly o: DeliveryWorkersOptions;
  private readonly workers = new Map<string, Worker>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(options: DeliveryWorkersOptions) {
    this.o = options;
  }

  /** Starts workers for new subscriptions and stops those of deleted ones. */
  reconcile(subscriptions: readonly Subscription[]): void {
    if (this.closed) return;
    const wanted = new Set(subscriptions.map((s) => s.id));
    for (const id of wanted) if (!this.workers.has(id)) this.workers.set(id, this.create(id));
    for (const [id, worker] of this.workers) {
      if (wanted.has(id)) continue;
      this.workers.delete(id);
      worker.close().catch((err: unknown) => this.o.logger.warn({ err, subscriptionId: id }, "closing delivery worker failed"));
    }
  }

  /**
   * Stops taking jobs and lets active deliveries finish; after `graceMs` in-flight requests are
   * aborted (they count as a failed attempt and are retried later, by this or another replica).
   */
  async close(graceMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    timer.unref();
    await Promise.all([...this.workers.values()].map((w) => w.close().catch(() => undefined)));
    clearTimeout(timer);
    this.workers.clear();
  }

  private create(subscriptionId: string): Worker {
    const log = this.o.logger.child({ subscriptionId });
    const worker = new Worker(
      deliveryQueueName(subscriptionId),
      async (job: Job, token?: string) => endJob(job, token, await this.o.processor.process(job, this.abort.signal)),
      {
        connection: this.o.connection,
        prefix: this.o.prefix,
        concurrency: this.o.concurrency ?? 4,
        lockDuration: this.o.lockDurationMs ?? 30_000,
        stalledInterval: this.o.stalledIntervalMs ?? 30_000,
        // A delivery whose holder died comes back; give it room for a few crashes, as the payer does.
        maxStalledCount: 3,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
            err instanceof DeliveryRetryError ? err.delayMs : (retryDelayMs(attemptsMade, { scale: this.o.retryScale ?? 1 }) ?? 0),
        },
      },
    );
    worker.on("error", (err) => log.warn({ err: err.message }, "delivery worker error"));
    worker.on("failed", (job, err) => {
      if (!job) return;
      // Final whatever the attempt count: BullMQ also fails a job for good when it stalled too
      // often (its holders died), and such a delivery must still end as a replayable dead letter.
      job
        .isFailed()
        .then((final) => (final ? this.o.processor.failedForGood(job, err) : undefined))
        .catch((e: unknown) => log.warn({ err: e }, "recording a dead letter failed"));
    });
    return worker;
  }
}
