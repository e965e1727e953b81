import { redisKeys } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { ArchivedPosition } from "../src/drain/archived-position.js";

describe("the archived position", () => {
  const redis = useRedis();

  it("stays at the oldest entry still pending anywhere in the group, moves past the last one read once all are acknowledged, and never moves back", async () => {
    const client = redis.client();
    const stream = redisKeys(redis.prefix).events;
    const position = new ArchivedPosition({ redis: client, streamKey: stream, key: redisKeys(redis.prefix).archivedBelow, group: "ledger" });
    expect(await position.advance()).toBeUndefined();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.xadd(stream, `1000-${i}`, "n", String(i))) as string);
    await client.xgroup("CREATE", stream, "ledger", "0");

    // Ledger A holds the first two (a dead or slow one); ledger B commits the other three.
    await client.xreadgroup("GROUP", "ledger", "a", "COUNT", 2, "STREAMS", stream, ">");
    await client.xreadgroup("GROUP", "ledger", "b", "COUNT", 3, "STREAMS", stream, ">");
    await client.xack(stream, "ledger", ids[2] as string, ids[3] as string, ids[4] as string);
    expect(await position.advance()).toBe(ids[0]);

    // Acknowledged and moved in the same step.
    expect(await position.advance([ids[0] as string, ids[1] as string])).toBe("1000-5");
    expect(await client.xpending(stream, "ledger")).toEqual([0, null, null, null]);
    expect(await client.get(redisKeys(redis.prefix).archivedBelow)).toBe("1000-5");

    // The group read from the start again (entries pending again): the position does not go back.
    await client.xgroup("SETID", stream, "ledger", "0");
    await client.xreadgroup("GROUP", "ledger", "a", "COUNT", 5, "STREAMS", stream, ">");
    expect(await position.advance()).toBe("1000-5");
    expect(await position.oldestUnarchived()).toBeUndefined();
    await client.xadd(stream, "2000-0", "n", "5");
    expect(await position.oldestUnarchived()).toEqual(new Date(2000));
  });
});
