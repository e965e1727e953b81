import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { acceptedPayment } from "../../test/payments/payment-fixtures.js";
import { PaymentStore } from "../payments/payment-store.js";
import { redisKeys } from "../redis/redis-keys.js";
import { compareStreamIds } from "./stream-id.js";

const retentionMs = 60_000;

describe("the event stream's trimming", () => {
  const redis = useRedis();

  /** 250 events written now, then a store whose clock is two retentions later (every event is past the retention). */
  const setup = async () => {
    const keys = redisKeys(redis.prefix);
    const now = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix, eventRetentionMs: retentionMs });
    const inputs = Array.from({ length: 250 }, (_, i) => ({ account: "995149", orderNumber: `OLD${i}`, payment: acceptedPayment(`OLD${i}`), requestHash: "h" }));
    await now.createMany(inputs);
    const ids = ((await redis.client().xrange(keys.events, "-", "+")) as [string, string[]][]).map(([id]) => id);
    const later = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix, eventRetentionMs: retentionMs, clock: () => new Date(Date.now() + 2 * retentionMs) });
    const remaining = async () => ((await redis.client().xrange(keys.events, "-", "+")) as [string, string[]][]).map(([id]) => id);
    return { keys, ids, later, remaining };
  };

  it("keeps every event while no ledger has committed a position", async () => {
    const { ids, later, remaining } = await setup();
    expect(ids).toHaveLength(250);
    await later.create({ account: "995149", orderNumber: "NEW1", payment: acceptedPayment("NEW1"), requestHash: "h" });
    expect((await remaining()).slice(0, 250)).toEqual(ids);
  });

  it("never trims past the ledger's position, whatever the retention", async () => {
    const { keys, ids, later, remaining } = await setup();
    const position = ids[120] as string;
    await redis.client().set(keys.archivedBelow, position);
    await later.create({ account: "995149", orderNumber: "NEW1", payment: acceptedPayment("NEW1"), requestHash: "h" });
    await later.transition({ account: "995149", orderNumber: "NEW1" }, { to: "submitting", source: "payer" });
    const kept = await remaining();
    expect(kept.filter((id) => compareStreamIds(id, position) >= 0).slice(0, 130), "every entry at or above the position").toEqual(ids.slice(120));
  });

  it("trims what is both archived and past the retention", async () => {
    const { keys, ids, later, remaining } = await setup();
    const last = ids[ids.length - 1] as string;
    await redis.client().set(keys.archivedBelow, `${last.split("-")[0]}-${Number(last.split("-")[1]) + 1}`);
    await later.create({ account: "995149", orderNumber: "NEW1", payment: acceptedPayment("NEW1"), requestHash: "h" });
    // `MINID ~` drops whole stream nodes (100 entries by default): at least the first ones are gone.
    const kept = await remaining();
    expect(kept.length).toBeLessThan(200);
    expect(kept.at(-1)).not.toBe(last);
  });

  it("keeps within the retention what the ledger has archived", async () => {
    const { keys, ids, remaining } = await setup();
    const last = ids[ids.length - 1] as string;
    await redis.client().set(keys.archivedBelow, `${last.split("-")[0]}-${Number(last.split("-")[1]) + 1}`);
    const now = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix, eventRetentionMs: retentionMs });
    await now.create({ account: "995149", orderNumber: "NEW1", payment: acceptedPayment("NEW1"), requestHash: "h" });
    expect((await remaining()).slice(0, 250)).toEqual(ids);
  });
});
