import type { Redis } from "ioredis";
import { Queue } from "bullmq";
import { type IdentifiedJob, addJobs } from "@oceanpos/core/jobs";
import { type WebhookDeliveryJob, deliveryQueueName } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";

/** One delivery to enqueue, from the catalog's `deliveryJob`: its id decides whether it dedupes (relay) or runs again (replay). */
export type DeliveryJobToAdd = IdentifiedJob<WebhookDeliveryJob>;

export interface DeliveryQueuesOptions {
  /** A producer connection; queues share it. */
  connection: Redis;
  /** BullMQ `prefix` (`redisKeys(prefix).bullPrefix`). */
  prefix: string;
  logger: Logger;
}

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

  /** Adds every job (grouped per subscription queue). Throws if Redis refuses: callers retry. */
  async enqueue(jobs: readonly DeliveryJobToAdd[]): Promise<void> {
    const bySubscription = new Map<string, DeliveryJobToAdd[]>();
    for (const job of jobs) {
      const list = bySubscription.get(job.data.subscriptionId) ?? [];
      list.push(job);
      bySubscription.set(job.data.subscriptionId, list);
    }
    await Promise.all([...bySubscription].map(([subscriptionId, list]) => addJobs(this.queue(subscriptionId), list)));
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
