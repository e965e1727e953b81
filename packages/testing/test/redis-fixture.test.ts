import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { useRedis } from "../src/index.js";

describe("useRedis", () => {
  const redis = useRedis();

  it("runs a real BullMQ job end to end", async () => {
    const connection = { url: redis.url };
    const queue = new Queue("fixture", { connection, prefix: redis.prefix });
    const events = new QueueEvents("fixture", { connection, prefix: redis.prefix });
    const worker = new Worker("fixture", async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
      connection: { url: redis.url, maxRetriesPerRequest: null },
      prefix: redis.prefix,
    });
    try {
      await events.waitUntilReady();
      const job = await queue.add("double", { n: 21 });
      const result = await job.waitUntilFinished(events, 10_000);
      expect(result).toEqual({ doubled: 42 });
      const keys = await redis.client().keys(`${redis.prefix}:fixture:*`);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it("keeps data across a crash and restart of Redis (append-only file)", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be restarted by a test");
    const client = redis.client();
    await client.set(`${redis.prefix}:survivor`, "still here");
    await redis.server.restart({ hard: true });
    const after = redis.client();
    expect(await after.get(`${redis.prefix}:survivor`)).toBe("still here");
  });

  it("freezes Redis: a command is not answered while frozen, and runs once thawed", async (ctx) => {
    if (!redis.server.freezable) ctx.skip("only a redis-server child can be frozen");
    const client = redis.client();
    await client.ping();
    await redis.server.freeze();
    let answered = false;
    const set = client.set(`${redis.prefix}:frozen`, "written").then(() => {
      answered = true;
    });
    try {
      // A second connection cannot even be served: the server runs nothing while frozen.
      const probe = new Redis(redis.url, { commandTimeout: 300, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      probe.on("error", () => {});
      await expect(probe.connect().then(() => probe.ping())).rejects.toThrow("Command timed out");
      probe.disconnect();
      expect(answered).toBe(false);
    } finally {
      await redis.server.thaw();
    }
    await set;
    expect(await client.get(`${redis.prefix}:frozen`)).toBe("written");
  });

  it("gives each test its own key prefix", () => {
    expect(redis.prefix).toMatch(/^t[0-9a-f]{10}$/);
  });
});
