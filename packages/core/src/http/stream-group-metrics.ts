import type { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import { streamGroupBacklog } from "../redis/stream-group-backlog.js";
import { valueWithin } from "./value-within.js";

/** A consumer group to export: `stream` is the label, `key` the Redis key. */
export interface StreamGroupSource {
  stream: string;
  key: string;
  group: string;
}

/**
 * `redis_stream_group_entries{stream,group,state}`, read on every scrape with one XINFO GROUPS
 * and the last entry per stream (`streamGroupBacklog`): `unread` (entries the group has not read
 * yet: Redis's `lag`, 0 once it has read the last entry) and `pending` (read, not acknowledged:
 * in flight, or held by a dead consumer until another claims them). The queue depth of work
 * that does not go through BullMQ (the payer's submit feed, the notifier's relay).
 * A stream that does not answer within `timeoutMs` (default 1 000) is left out of that scrape.
 */
export function registerStreamGroupMetrics(registry: Registry, redis: Redis, sources: readonly StreamGroupSource[], timeoutMs = 1_000): Gauge<"stream" | "group" | "state"> {
  return new Gauge({
    name: "redis_stream_group_entries",
    help: "Entries of a Redis stream consumer group: unread (lag) and pending (unacknowledged), read on scrape",
    labelNames: ["stream", "group", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      const results = await Promise.all(sources.map(async (source) => ({ source, info: await valueWithin(streamGroupBacklog(redis, source.key, source.group), timeoutMs) })));
      for (const { source, info } of results) {
        if (!info) continue;
        const labels = { stream: source.stream, group: source.group };
        this.set({ ...labels, state: "unread" }, info.unread);
        this.set({ ...labels, state: "pending" }, info.pending);
      }
    },
  });
}
