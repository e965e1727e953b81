import { done } from "@oceanpos/core/jobs";
import { deliveryJobOptions, deliveryQueueName, webhookJobName } from "@oceanpos/core/webhooks";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis, waitFor } from "@oceanpos/testing";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { DeliveryProcessor } from "../src/delivery/delivery-processor.js";
import { DeliveryWorkers } from "../src/delivery/delivery-workers.js";

describe("DeliveryWorkers", () => {
  const redis = useRedis();

  it("dead-letters a delivery BullMQ fails for good before its last attempt (stalled too often, unrecoverable)", async () => {
    const subscriptionId = "sub_0123456789abcdef01234567";
    const prefix = redisKeys(redis.prefix).bullPrefix;
    const queue = new Queue(deliveryQueueName(subscriptionId), { connection: redis.client(), prefix });
    const deadLettered: string[] = [];
    // Only the processor is a stand-in: BullMQ, the worker and Redis are real.
    const processor = {
      process: async () => {
        throw new UnrecoverableError("job stalled more than allowable limit");
      },
      failedForGood: async (_job: unknown, err: Error) => {
        deadLettered.push(err.message);
      },
    } as unknown as DeliveryProcessor;
    const workers = new DeliveryWorkers({ connection: redis.client(), prefix, processor, logger: pino({ level: "silent" }), concurrency: 1 });
    try {
      workers.reconcile([{ id: subscriptionId, enabled: true } as never]);
      await queue.add(webhookJobName, { subscriptionId, eventId: "evt_1-0" }, { ...deliveryJobOptions, jobId: "whk-1-0-x" });
      await waitFor(() => deadLettered.length > 0 && deadLettered, { timeoutMs: 10_000, message: "the failed delivery was never dead-lettered" });
      expect(deadLettered).toEqual(["job stalled more than allowable limit"]);
      expect((await queue.getJob("whk-1-0-x"))?.attemptsMade).toBeLessThan(deliveryJobOptions.attempts ?? 1);
    } finally {
      await workers.close(1_000);
      await queue.close();
    }
  });

  it("takes over a delivery whose holder died once its lock expires, at the configured stall check", async () => {
    const subscriptionId = "sub_0123456789abcdef01234568";
    const prefix = redisKeys(redis.prefix).bullPrefix;
    const name = deliveryQueueName(subscriptionId);
    const queue = new Queue(name, { connection: redis.client(), prefix });
    // The dead holder: takes the job, never finishes it and never renews its 1 s lock.
    let taken = false;
    const dead = new Worker(name, () => ((taken = true), new Promise(() => {})), {
      connection: redis.client(),
      prefix,
      lockDuration: 1_000,
      skipLockRenewal: true,
      skipStalledCheck: true,
    });
    const delivered: string[] = [];
    const processor = {
      process: async (job: { id: string }) => {
        delivered.push(job.id);
        return done("delivered");
      },
      failedForGood: async () => {},
    } as unknown as DeliveryProcessor;
    const workers = new DeliveryWorkers({
      connection: redis.client(),
      prefix,
      processor,
      logger: pino({ level: "silent" }),
      concurrency: 1,
      lockDurationMs: 1_000,
      stalledIntervalMs: 300,
    });
    try {
      await queue.add(webhookJobName, { subscriptionId, eventId: "evt_2-0" }, { ...deliveryJobOptions, jobId: "whk-2-0-x" });
      await waitFor(() => taken, { timeoutMs: 5_000, message: "the dead holder never took the delivery" });
      workers.reconcile([{ id: subscriptionId, enabled: true } as never]);
      // With BullMQ's default 30 s stall check this would not happen within the wait.
      await waitFor(() => delivered.length > 0, { timeoutMs: 5_000, message: "the stalled delivery never came back to a live worker" });
      expect(delivered).toEqual(["whk-2-0-x"]);
    } finally {
      await dead.close(true);
      await workers.close(1_000);
      await queue.close();
    }
  });
});
