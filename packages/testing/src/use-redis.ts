import { randomBytes } from "node:crypto";
import { relative } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { provisionRedis } from "./provision-redis.js";
import type { TestRedis } from "./test-redis.js";

export interface RedisFixture {
  /** The suite's Redis. */
  readonly server: TestRedis;
  readonly url: string;
  /** This test's unique key prefix (use it as `REDIS_KEY_PREFIX` / BullMQ `prefix`). */
  readonly prefix: string;
  /** A client for this test, closed after it. */
  client(): Redis;
}

/**
 * Provisions one Redis for the enclosing suite and gives each test a unique key prefix; after
 * each test, its keys are deleted and its clients closed.
 */
export function useRedis(): RedisFixture {
  let server: TestRedis | undefined;
  let prefix = "";
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await provisionRedis(process.env, { suite: suiteName() });
  }, 60_000);

  afterAll(async () => {
    await server?.thaw();
    await server?.dispose();
  });

  beforeEach(() => {
    prefix = `t${randomBytes(5).toString("hex")}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    if (!server) return;
    // A test that failed while Redis was frozen must not leave the next ones hanging.
    await server.thaw();
    const cleaner = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    cleaner.on("error", () => {});
    try {
      await cleaner.connect();
      let cursor = "0";
      do {
        const [next, keys] = await cleaner.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await cleaner.del(...keys);
      } while (cursor !== "0");
    } catch {
      // The test may have left Redis stopped on purpose; a restarted suite Redis is fresh enough.
    } finally {
      cleaner.disconnect();
    }
  });

  const fixture: RedisFixture = {
    get server() {
      if (!server) throw new Error("useRedis(): the Redis is only available inside tests and hooks");
      return server;
    },
    get url() {
      return fixture.server.url;
    },
    get prefix() {
      return prefix;
    },
    client() {
      const c = new Redis(fixture.url, { maxRetriesPerRequest: null });
      c.on("error", () => {});
      clients.push(c);
      return c;
    },
  };
  return fixture;
}

/** The running test file, relative to the working directory (the workspace), for log lines. */
function suiteName(): string | undefined {
  const path = expect.getState().testPath;
  return path ? relative(process.cwd(), path) : undefined;
}
