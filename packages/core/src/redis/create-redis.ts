import { Redis } from "ioredis";

/**
 * - `producer`: request paths (intake). Commands fail at once while Redis is unreachable, so an
 *   HTTP request answers 503 quickly instead of queueing in memory.
 * - `worker`: BullMQ workers and blocking readers. Commands wait for the reconnection
 *   (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
export type RedisRole = "producer" | "worker";

export interface CreateRedisOptions {
  url: string;
  role: RedisRole;
  /** Shown in `CLIENT LIST`; helps an operator see which process holds a connection. */
  connectionName?: string;
  /**
   * Sends the commands issued in one event-loop turn as one write (ioredis auto-pipelining).
   * For request paths with many concurrent small commands; never for BullMQ's connections
   * (reported to misbehave with it). Default false.
   */
  autoPipelining?: boolean;
}

export function createRedis(options: CreateRedisOptions): Redis {
  const common = {
    connectionName: options.connectionName,
    // Reconnect quickly but not in a hot loop: 50 ms, 100 ms, ... capped at 2 s.
    retryStrategy: (times: number) => Math.min(times * 50, 2_000),
    lazyConnect: false,
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  if (options.role === "producer") {
    return new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 5_000,
    });
  }
  return new Redis(options.url, { ...common, maxRetriesPerRequest: null, enableReadyCheck: true });
}
