import { waitForRedis } from "@oceanpos/harness";
import type { TestRedis } from "./test-redis.js";

/**
 * The Redis at `url` (`REDIS_URL`), once it answers PING (at most `timeoutMs`): a wrong URL fails
 * the suite here, with the address, instead of in its first test. Other suites share it, so it can
 * be neither stopped nor frozen.
 */
export async function urlRedis(url: string, timeoutMs = 3_000): Promise<TestRedis> {
  await waitForRedis(url, timeoutMs);
  const refuse = async () => {
    throw new Error("cannot stop, restart or freeze the Redis given by REDIS_URL: other suites share it");
  };
  return {
    url,
    kind: "url",
    controllable: false,
    freezable: false,
    freeze: refuse,
    thaw: async () => {},
    stop: refuse,
    start: refuse,
    restart: refuse,
    dispose: async () => {},
  };
}
