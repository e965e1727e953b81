import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { EventLog, EventOutbox } from "../../src/events/index.js";
import { redisKeys } from "../../src/redis/index.js";

describe("EventOutbox", () => {
  const redis = useRedis();

  it("appends an event every reader of the stream takes, without a store", async () => {
    const key = redisKeys(redis.prefix).events;
    const outbox = new EventOutbox({ redis: redis.client(), keyPrefix: redis.prefix, retentionMs: 60_000, clock: () => new Date("2026-03-02T01:00:00.000Z") });
    const id = await outbox.append("reconciliation.completed", { id: "rec_1", discrepancies: { missing_here: 1 } });
    expect(id).toMatch(/^evt_\d+-\d+$/);
    const events = await new EventLog({ redis: redis.client(), keyPrefix: redis.prefix }).after(undefined, 10);
    expect(events.map((e) => e.event)).toEqual([
      { id, type: "reconciliation.completed", createdAt: "2026-03-02T01:00:00.000Z", data: { id: "rec_1", discrepancies: { missing_here: 1 } } },
    ]);
    const [[, fields] = ["", []]] = await redis.client().xrange(key, "-", "+");
    expect(fields).not.toContain("storeId");
  });
});
