import { rewriteAppendOnlyFile, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger/index.js";
import { StreamGroupReader, streamGroupBacklog, xinfoFields } from "../../src/redis/index.js";

/**
 * Redis 7.0 writes an XREADGROUP to the append-only file as XCLAIM … LASTID, which moves the
 * group's last-delivered-id but not its entries-read counter (redis/redis#10569, #12898). After
 * an AOF rewrite (the base keeps entries-read) and a restart, the counter is behind and
 * XINFO GROUPS `lag` stays that much too high for good, though the group has read everything:
 * what failed the chaos run's `ledger.caughtUp`. Its own suite: the test restarts Redis.
 */
describe("a consumer group's backlog after Redis restarts from a rewritten append-only file", () => {
  const redis = useRedis();
  const readers: StreamGroupReader[] = [];
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
  });

  const stream = () => `{${redis.prefix}}:stream`;
  const group = "g";
  /** Redis's own `lag` of the group (null: it cannot tell). */
  const rawLag = async (): Promise<unknown> => {
    const rows = (await redis.client().xinfo("GROUPS", stream())) as unknown[][];
    return rows.map(xinfoFields).find((f) => f.get("name") === group)?.get("lag");
  };

  /** Adds `n` entries, reads them through the group and acknowledges them. */
  async function addAndDrain(n: number): Promise<void> {
    const client = redis.client();
    for (let i = 0; i < n; i++) await client.xadd(stream(), "*", "n", String(i));
    const reply = (await client.xreadgroup("GROUP", group, "c1", "COUNT", n, "STREAMS", stream(), ">")) as [string, [string, string[]][]][];
    const ids = reply[0]?.[1].map(([id]) => id) ?? [];
    expect(ids).toHaveLength(n);
    await client.xack(stream(), group, ...ids);
  }

  it("reads 0 unread for a group that has read everything, and a reader puts Redis's own counter right", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be restarted by a test");
    const client = redis.client();
    await client.xgroup("CREATE", stream(), group, "0", "MKSTREAM");
    await addAndDrain(10);
    await rewriteAppendOnlyFile(client);
    await addAndDrain(10);
    await redis.server.restart({ hard: true });

    expect(await streamGroupBacklog(client, stream(), group), "everything read and acknowledged before the crash").toEqual({ unread: 0, pending: 0 });

    // A reader of the group resets the counter once the group has read everything.
    const reader = new StreamGroupReader({
      redis: redis.client(),
      streamKey: stream(),
      group,
      consumer: "c2",
      name: "test reader",
      logger: createLogger({ name: "test", level: "silent" }),
      startId: "0",
      blockMs: 50,
      claimIdleMs: 1_000,
      handle: async (entries) => void (await client.xack(stream(), group, ...entries.map(([id]) => id))),
    });
    readers.push(reader);
    await reader.start();
    await waitFor(async () => (await rawLag()) === 0, { timeoutMs: 10_000, message: "Redis's lag of the group back at 0" });
    await reader.close();

    // Counted right from then on: unread entries are exactly those added since.
    for (let i = 0; i < 3; i++) await client.xadd(stream(), "*", "n", `late${i}`);
    expect(await rawLag()).toBe(3);
    expect(await streamGroupBacklog(client, stream(), group)).toEqual({ unread: 3, pending: 0 });
  }, 60_000);
});
