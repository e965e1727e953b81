import { useRedis } from "@oceanpos/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { redisKeys } from "../redis/index.js";
import { registerQueueMetrics } from "./queue-metrics.js";

describe("registerQueueMetrics", () => {
  const redis = useRedis();
  const opened: Queue[] = [];
  const queue = (name: string, connection: Redis = redis.client()) => {
    const q = new Queue(name, { connection, prefix: redisKeys(redis.prefix).bullPrefix });
    q.on("error", () => {});
    opened.push(q);
    return q;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
  });

  it("reports each queue's job counts per state on scrape", async () => {
    const payments = queue("payments");
    const voids = queue("voids");
    await payments.add("submit", {}, { jobId: "a" });
    await payments.add("submit", {}, { jobId: "b" });
    await payments.add("submit", {}, { jobId: "c", delay: 60_000 });
    await payments.add("submit", {}, { jobId: "d", priority: 5 });
    const registry = new Registry();
    registerQueueMetrics(registry, [payments, voids]);

    const text = await registry.metrics();
    expect(text).toContain('bullmq_queue_jobs{queue="payments",state="waiting"} 2');
    expect(text).toContain('bullmq_queue_jobs{queue="payments",state="delayed"} 1');
    expect(text).toContain('bullmq_queue_jobs{queue="payments",state="prioritized"} 1');
    expect(text).toContain('bullmq_queue_jobs{queue="payments",state="active"} 0');
    expect(text).toContain('bullmq_queue_jobs{queue="voids",state="failed"} 0');
    expect(text).toContain('bullmq_queue_jobs{queue="voids",state="completed"} 0');

    // Counted again on the next scrape, not cached.
    await voids.add("void", {}, { jobId: "v" });
    expect(await registry.metrics()).toContain('bullmq_queue_jobs{queue="voids",state="waiting"} 1');
  });

  it("leaves out a queue whose Redis does not answer in time, without holding the scrape", async () => {
    const healthy = queue("payments");
    // Nothing listens on port 1: commands wait in the offline queue for ever.
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 1_000 });
    dead.on("error", () => {});
    const stuck = new Queue("voids", { connection: dead, prefix: redisKeys(redis.prefix).bullPrefix });
    stuck.on("error", () => {});
    try {
      const registry = new Registry();
      registerQueueMetrics(registry, [healthy, stuck], { timeoutMs: 100 });
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(text).toContain('bullmq_queue_jobs{queue="payments",state="waiting"} 0');
      expect(text).not.toContain('queue="voids"');
    } finally {
      dead.disconnect();
    }
  });
});
