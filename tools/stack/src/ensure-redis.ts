import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RedisServerProcess } from "@oceanpos/harness";
import { Redis } from "ioredis";

export interface EnsuredRedis {
  url: string;
  /** The child we started, if any (stopped with the stack). */
  child?: RedisServerProcess;
}

/**
 * Uses the Redis at `url` when it answers; otherwise starts a `redis-server` child on a free port
 * keeping its append-only file in `dataDir`, so payments survive a restart of the stack.
 */
export async function ensureRedis(url: string, dataDir: string): Promise<EnsuredRedis> {
  if (await answers(url)) return { url };
  mkdirSync(dataDir, { recursive: true });
  try {
    const child = await RedisServerProcess.start({ dir: join(dataDir) });
    return { url: child.url, child };
  } catch (err) {
    throw new Error(
      [
        `Nothing answers at ${url} and no redis-server could be started (${(err as Error).message}).`,
        "Either start a Redis 7 yourself and point REDIS_URL at it, for example:",
        "  docker run -d -p 6379:6379 redis:7.4.5 redis-server --appendonly yes",
        "or install redis-server so that `npm start` can run one for you:",
        "  Debian/Ubuntu: sudo apt-get install redis-server    macOS: brew install redis",
      ].join("\n"),
    );
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
