import type { Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";
import { valueWithin } from "./value-within.js";

/** The BullMQ job states exported as `bullmq_queue_jobs{state}`. */
export const queueMetricStates = ["waiting", "active", "delayed", "failed", "completed", "prioritized"] as const;
export type QueueMetricState = (typeof queueMetricStates)[number];

export interface QueueMetricsOptions {
  /**
   * A queue whose counts take longer than this is left out of that scrape (its series vanish
   * rather than show stale numbers), so a slow or unreachable Redis never hangs `/metrics`.
   * Default 1 000 ms.
   */
  timeoutMs?: number;
}

/**
 * `bullmq_queue_jobs{queue,state}`: job counts read from Redis on every scrape (one
 * `getJobCounts` per queue, in parallel), so the numbers are exact and nothing polls in between.
 * Pass the queues the process already holds (producer queues fail fast while Redis is down,
 * which is what a scrape wants).
 */
export function registerQueueMetrics(registry: Registry, queues: readonly Queue[], options: QueueMetricsOptions = {}): Gauge<"queue" | "state"> {
  const timeoutMs = options.timeoutMs ?? 1_000;
  return new Gauge({
    name: "bullmq_queue_jobs",
    help: "BullMQ jobs per queue and state, read on scrape",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      // Reset first: a queue that does not answer in time is absent, never reported with old counts.
      this.reset();
      const results = await Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await valueWithin(queue.getJobCounts(...queueMetricStates), timeoutMs) })));
      for (const { queue, counts } of results) {
        if (!counts) continue;
        for (const state of queueMetricStates) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
}
