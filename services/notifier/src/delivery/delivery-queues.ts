import type { Redis } from "ioredis";
import { Queue, type JobsOptions } from "bullmq";
import { addJobs } from "@oceanpos/core/jobs";
import { deliveryQueueName, maxDeliveryAttempts, type WebhookDeliveryJob, webhookJobName } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";

/** One delivery to enqueue: `jobId` decides whether it dedupes (relay) or runs again (replay). */
export interface DeliveryRequest {
  jobId: string;
  data: WebhookDeliveryJob;
  /** Wait this long before the first attempt of the job (a retry after a direct attempt). */
  delayMs?: number;
}

export interface DeliveryQueuesOptions {
  /** A producer connection; queues share it. */
  connection: Redis;
  /** BullMQ `prefix` (`redisKeys(prefix).bullPrefix`). */
  prefix: string;
  logger: Logger;
}

/** Backoff type handled by the workers' custom strategy (schedule, jitter, Retry-After). */
export const webhookBackoffType = "webhook";

export const deliveryJobOptions: JobsOptions = {
  attempts: maxDeliveryAttempts(),
  backoff: { type: webhookBackoffType },
  // Completed jobs are kept for a day so that a relay re-delivering an event (crash before
  // XACK) hits the same jobId and is dropped; failed ones for a week, like the event stream.
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/** Producer side of the per-subscription delivery queues. */
export class DeliveryQueues {
  private readonly connection: Redis;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly queues = new Map<string, Queue>();

  constructor(options: DeliveryQueuesOptions) {
    this.connection = options.connection;
    this.prefix = options.prefix;
    this.logger = options.logger;
  }

  queue(subscriptionId: string): Queue {
    let queue = this.queues.get(subscriptionId);
    if (!queue) {
      queue = new Queue(deliveryQueueName(subscriptionId), { connection: this.connection, prefix: this.prefix });
      queue.on("error", (err) => this.logger.warn({ err: err.message, subscriptionId }, "delivery queue error"));
      this.queues.set(subscriptionId, queue);
    }
    return queue;
  }

  /** Adds every request (grouped per subscription queue). Throws if Redis refuses: callers retry. */
  async enqueue(requests: readonly DeliveryRequest[]): Promise<void> {
    const bySubscription = new Map<string, DeliveryRequest[]>();
    for (const r of requests) {
      const list = bySubscription.get(r.data.subscriptionId) ?? [];
      list.push(r);
      bySubscription.set(r.data.subscriptionId, list);
    }
    await Promise.all(
      [...bySubscription].map(async ([subscriptionId, list]) => {
        const jobs = list.map((r) => ({ name: webhookJobName, data: r.data, opts: jobOptions(r) }));
        await addJobs(this.queue(subscriptionId), jobs);
      }),
    );
  }

  /** Waiting + delayed (retries) + prioritized deliveries per subscription. */
  async depths(subscriptionIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await Promise.all(
      subscriptionIds.map(async (id) => {
        const counts = await this.queue(id).getJobCounts("waiting", "delayed", "prioritized");
        out.set(id, (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0));
      }),
    );
    return out;
  }

  /** Removes a deleted subscription's queue and every job in it. */
  async drop(subscriptionId: string): Promise<void> {
    const queue = this.queue(subscriptionId);
    this.queues.delete(subscriptionId);
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}

/** The job's options: attempts left after those made before it existed, and its delay. */
function jobOptions(request: DeliveryRequest): JobsOptions {
  const prior = request.data.priorAttempts ?? 0;
  return {
    ...deliveryJobOptions,
    jobId: request.jobId,
    attempts: Math.max(1, maxDeliveryAttempts() - prior),
    ...(request.delayMs ? { delay: request.delayMs } : {}),
  };
}
