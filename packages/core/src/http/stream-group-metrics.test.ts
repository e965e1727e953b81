import { useRedis } from "@oceanpos/testing";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerStreamGroupMetrics } from "./stream-group-metrics.js";

describe("registerStreamGroupMetrics", () => {
  const redis = useRedis();

  it("reports unread and pending entries of each group on scrape", async () => {
    const client = redis.client();
    const key = `{${redis.prefix}}:feed`;
    await client.xgroup("CREATE", key, "payer", "$", "MKSTREAM");
    for (const n of [1, 2, 3]) await client.xadd(key, "*", "n", String(n));
    const registry = new Registry();
    registerStreamGroupMetrics(registry, client, [
      { stream: "submits", key, group: "payer" },
      { stream: "missing", key: `{${redis.prefix}}:nothing`, group: "payer" },
    ]);
    expect(await registry.metrics()).toContain('redis_stream_group_entries{stream="submits",group="payer",state="unread"} 3');

    const read = (await client.xreadgroup("GROUP", "payer", "c1", "COUNT", 2, "STREAMS", key, ">")) as [string, [string, string[]][]][];
    await client.xack(key, "payer", read[0]?.[1][0]?.[0] ?? "");
    const text = await registry.metrics();
    expect(text).toContain('redis_stream_group_entries{stream="submits",group="payer",state="unread"} 1');
    expect(text).toContain('redis_stream_group_entries{stream="submits",group="payer",state="pending"} 1');
    // A stream without the group is left out, not reported as empty.
    expect(text).not.toContain('stream="missing"');
  });

  it("leaves out a stream whose Redis does not answer in time, without holding the scrape", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 1_000 });
    dead.on("error", () => {});
    try {
      const registry = new Registry();
      registerStreamGroupMetrics(registry, dead, [{ stream: "submits", key: "k", group: "payer" }], 100);
      const started = Date.now();
      expect(await registry.metrics()).not.toContain('stream="submits"');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      dead.disconnect();
    }
  });
});
