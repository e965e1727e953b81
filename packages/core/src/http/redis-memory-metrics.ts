import type { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import { valueWithin } from "./value-within.js";

/**
 * `redis_memory_bytes{kind}`, read on every scrape with one `INFO memory`: `used` (what the data
 * set and buffers take) and `max` (`maxmemory`, 0 when unlimited). Redis runs with `noeviction`
 * and payments are kept for good (docs/operations.md, "Redis"): when `used` reaches `max`, every
 * write fails, the payments' creates first. A Redis that does not answer within `timeoutMs`
 * (default 1 000) is left out of that scrape.
 */
export function registerRedisMemoryMetrics(registry: Registry, redis: Redis, timeoutMs = 1_000): Gauge<"kind"> {
  return new Gauge({
    name: "redis_memory_bytes",
    help: "Redis memory: used (used_memory) and max (maxmemory, 0 when unlimited), read on scrape",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      const info = await valueWithin(redis.info("memory"), timeoutMs);
      if (info === undefined) return;
      for (const [kind, field] of [
        ["used", "used_memory"],
        ["max", "maxmemory"],
      ] as const) {
        const value = new RegExp(`^${field}:(\\d+)\\r?$`, "m").exec(info)?.[1];
        if (value !== undefined) this.set({ kind }, Number(value));
      }
    },
  });
}
