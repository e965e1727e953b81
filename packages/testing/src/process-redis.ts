import { RedisServerProcess } from "@oceanpos/harness";
import type { TestRedis } from "./test-redis.js";

/** A `redis-server` child of the suite's own on a free loopback port, append-only file on. */
export async function processRedis(): Promise<TestRedis> {
  const server = await RedisServerProcess.start();
  return {
    url: server.url,
    kind: "process",
    controllable: true,
    freezable: true,
    freeze: async () => server.freeze(),
    thaw: async () => server.thaw(),
    stop: (o) => server.stop(o),
    start: () => server.restart(),
    restart: (o) => server.restart(o),
    dispose: () => server.destroy(),
  };
}
