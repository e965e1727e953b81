import { SubscriptionStore, deliveryQueueName } from "@oceanpos/core/webhooks";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@oceanpos/core/logger";

export interface WebhookBoardQueuesOptions {
  /** The board's own connection (not the producer connection payments use). */
  redis: Redis;
  /** `REDIS_KEY_PREFIX`: where the notifier keeps its subscriptions. */
  keyPrefix: string;
  /** BullMQ `prefix` (`redisKeys(prefix).bullPrefix`). */
  bullPrefix: string;
  logger: Logger;
}

/**
 * The notifier's webhook delivery queues (one per subscription), for Bull Board: read from the
 * subscriptions in Redis on each call, so that a subscription created or deleted on any notifier
 * appears or disappears on the intake's board without a restart.
 */
export class WebhookBoardQueues {
  private readonly subscriptions: SubscriptionStore;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: WebhookBoardQueuesOptions) {
    this.subscriptions = new SubscriptionStore({ redis: options.redis, keyPrefix: options.keyPrefix });
  }

  /** One queue per current subscription, oldest subscription first. */
  async list(): Promise<Queue[]> {
    const ids = (await this.subscriptions.list()).map((s) => s.id);
    const gone = [...this.queues].filter(([id]) => !ids.includes(id));
    for (const [id] of gone) this.queues.delete(id);
    const queues = ids.map((id) => {
      let queue = this.queues.get(id);
      if (!queue) {
        queue = new Queue(deliveryQueueName(id), { connection: this.options.redis, prefix: this.options.bullPrefix });
        queue.on("error", (err: Error) => this.options.logger.warn({ err: err.message, queue: queue?.name }, "queue error"));
        this.queues.set(id, queue);
      }
      return queue;
    });
    await Promise.all(gone.map(([, queue]) => queue.close()));
    return queues;
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((q) => q.close()));
  }
}
