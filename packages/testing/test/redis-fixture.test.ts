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

  it("is the kind it says: a container's Redis is its PID 1, a child's is not", async (ctx) => {
    const { kind } = redis.server;
    if (kind === "url") ctx.skip("the Redis given by REDIS_URL runs wherever it runs");
    const info = await redis.client().info("server");
    const pid = /^process_id:(\d+)\r?$/m.exec(info)?.[1];
    expect(pid, "INFO server: process_id").toBeDefined();
    if (kind === "container") expect(pid).toBe("1");
    else expect(pid).not.toBe("1");
    if (process.env.TEST_REDIS) expect(kind).toBe(process.env.TEST_REDIS);
  });

  it("stops and starts again, more than once, on the same URL: refused while stopped, data kept", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const url = redis.url;
    const client = redis.client();
    await client.set(`${redis.prefix}:kept`, "0");
    const refused = async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 2_000 });
      probe.on("error", () => {});
      try {
        await probe.connect();
        await probe.ping();
        return false;
      } catch {
        return true;
      } finally {
        probe.disconnect();
      }
    };
    for (const [round, hard] of [[1, false], [2, true], [3, false]] as const) {
      await redis.server.stop({ hard });
      expect(await refused(), `round ${round}: Redis answers after stop({ hard: ${hard} })`).toBe(true);
      await redis.server.stop({ hard });
      await redis.server.start();
      expect(redis.url).toBe(url);
      // The client given before the first stop reconnects by itself, as services' clients do.
      expect(await client.incr(`${redis.prefix}:kept`)).toBe(round);
    }
  });

  it("freezes Redis: a command is not answered while frozen, and runs once thawed", async (ctx) => {
    if (!redis.server.freezable) ctx.skip("the Redis given by REDIS_URL cannot be frozen by a test");
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
