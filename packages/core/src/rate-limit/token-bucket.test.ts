import { useRedis } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { redisKeys } from "../redis/redis-keys.js";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  const redis = useRedis();
  const bucket = () => new TokenBucket({ redis: redis.client(), keyPrefix: redis.prefix, scope: "store" });

  it("allows a burst, then refuses with the time until the next token", async () => {
    const b = bucket();
    const limits = { ratePerSec: 1, burst: 3 };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await b.take("s1", limits));
    expect(results.slice(0, 3).map((r) => r.allowed)).toEqual([true, true, true]);
    expect(results[3]?.allowed).toBe(false);
    expect(results[3]?.retryAfterMs).toBeGreaterThan(900);
    expect(results[3]?.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it("keeps one bucket per id under the scoped key", async () => {
    const b = bucket();
    const limits = { ratePerSec: 0.1, burst: 1 };
    expect((await b.take("a", limits)).allowed).toBe(true);
    expect((await b.take("a", limits)).allowed).toBe(false);
    expect((await b.take("b", limits)).allowed).toBe(true);
    const ttl = await redis.client().pttl(redisKeys(redis.prefix).rateBucket("store", "a"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(11_000);
  });

  it("refills at the given rate", async () => {
    const b = bucket();
    const limits = { ratePerSec: 20, burst: 1 };
    expect((await b.take("r", limits)).allowed).toBe(true);
    const refused = await b.take("r", limits);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
    // Time passing is what is under test here: wait exactly what the bucket asked for.
    await new Promise((r) => setTimeout(r, refused.retryAfterMs + 5));
    expect((await b.take("r", limits)).allowed).toBe(true);
  });

  it("charges the cost and refuses a cost the bucket does not hold", async () => {
    const b = bucket();
    const limits = { ratePerSec: 1, burst: 3 };
    expect((await b.take("c", { ...limits, cost: 2 })).allowed).toBe(true);
    const refused = await b.take("c", { ...limits, cost: 2 });
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await b.take("c", { ...limits, cost: 1 })).allowed).toBe(true);
    await expect(b.take("c", { ...limits, cost: 4 })).rejects.toThrow(RangeError);
  });

  it("never hands out more than the bucket holds under concurrency", async () => {
    const clients = Array.from({ length: 5 }, () => bucket());
    const limits = { ratePerSec: 0.01, burst: 10 };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => clients[i % 5]!.take("hot", limits)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("reserves the next tokens in order within maxWaitMs, then refuses until the queue is short enough", async () => {
    const b = bucket();
    // One token a second: the bucket refills while the test runs (each call's round trip, up to
    // tens of milliseconds on a loaded machine), so the bounds leave 200 ms of room for that.
    const limits = { ratePerSec: 1, burst: 2, maxWaitMs: 2_500 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await b.reserve("t1", limits));
    expect(results.slice(0, 2)).toEqual([{ reserved: true, waitMs: 0 }, { reserved: true, waitMs: 0 }]);
    // Each reservation queues behind the previous one: one token every 1000 ms.
    const waits = results.slice(2, 4).map((r) => (r.reserved ? r.waitMs : Number.NaN));
    expect(waits[0]).toBeGreaterThan(800);
    expect(waits[0]).toBeLessThanOrEqual(1_000);
    expect(waits[1]).toBeGreaterThan(1_800);
    expect(waits[1]).toBeLessThanOrEqual(2_000);
    // The fifth would wait ~3 s: refused, with the time until a reservation fits in 2.5 s.
    const refused = results[4];
    expect(refused?.reserved).toBe(false);
    expect(refused?.reserved === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.reserved === false && refused.retryAfterMs).toBeLessThanOrEqual(500);
    // A plain take does not queue behind reservations: the bucket is in debt.
    expect((await b.take("t1", { ratePerSec: 1, burst: 2 })).allowed).toBe(false);
  });
});
