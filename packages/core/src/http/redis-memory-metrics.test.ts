import { useRedis } from "@oceanpos/testing";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerRedisMemoryMetrics } from "./redis-memory-metrics.js";

describe("registerRedisMemoryMetrics", () => {
  const redis = useRedis();

  it("reports Redis's used memory and its maxmemory on scrape", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL is shared: its maxmemory is not a test's to change");
    const client = redis.client();
    const [, maxBefore] = (await client.config("GET", "maxmemory")) as [string, string];
    await client.config("SET", "maxmemory", "1073741824");
    try {
      const registry = new Registry();
      registerRedisMemoryMetrics(registry, client);
      const read = async (kind: string) => Number(new RegExp(`^redis_memory_bytes\\{kind="${kind}"\\} (\\d+)$`, "m").exec(await registry.metrics())?.[1]);
      expect(await read("max")).toBe(1073741824);
      const before = await read("used");
      expect(before).toBeGreaterThan(100_000);
      // 2 MB more data shows in the next scrape.
      await client.set(`{${redis.prefix}}:ballast`, "x".repeat(2_000_000));
      expect((await read("used")) - before).toBeGreaterThan(1_900_000);
      await client.del(`{${redis.prefix}}:ballast`);
    } finally {
      await client.config("SET", "maxmemory", maxBefore);
    }
  });

  it("leaves Redis out of a scrape when it does not answer in time", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 1_000 });
    dead.on("error", () => {});
    try {
      const registry = new Registry();
      registerRedisMemoryMetrics(registry, dead, 100);
      const started = Date.now();
      expect(await registry.metrics()).not.toContain("redis_memory_bytes{");
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      dead.disconnect();
    }
  });
});
