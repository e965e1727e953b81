import { isFinal, submitFeed } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { authCodeEnding, orderNumber, usePayerEnv } from "./support/payer-env.js";

/**
 * The submit feed: first sends straight from the stream the create step writes (no job). Claims of
 * a dead payer's entries are in crash.test.ts, hand-offs to jobs in faults and rate-limit tests.
 */
describe("payer: submit feed", () => {
  const env = usePayerEnv();

  it("makes at most PAYER_CONCURRENCY first sends at once, acknowledges each, and queues nothing", async () => {
    const run = await env.start({ payer: { concurrency: 2 } });
    await run.faults({ latencyMs: 150 });
    const refs = await Promise.all(Array.from({ length: 6 }, (_, i) => run.submit({ orderNumber: orderNumber(`fc${i}`), authCode: authCodeEnding(0) })));
    let most = 0;
    await waitFor(
      async () => {
        const statuses = (await Promise.all(refs.map((ref) => run.store.get(ref)))).map((p) => p?.status);
        most = Math.max(most, statuses.filter((s) => s === "submitting").length);
        return statuses.every((s) => s !== undefined && isFinal(s));
      },
      { timeoutMs: 10_000, intervalMs: 10, message: "every payment final" },
    );
    expect(most, "payments submitting at once").toBeLessThanOrEqual(2);
    expect(most, "the polls saw sends in flight").toBeGreaterThan(0);
    for (const ref of refs) expect(await run.charges(ref.orderNumber)).toBe(1);
    await waitFor(async () => (await run.counter("payer_submit_feed_total", { result: "sent" })) === 6, {
      timeoutMs: 5_000,
      message: "six feed entries run and acknowledged",
    });
    for (const ref of refs) expect(await run.payer.feed.entryPending(ref)).toBe(false);
    expect(await run.payer.submitQueue.count()).toBe(0);
  });

  it("a graceful stop lets the first sends in flight finish and be acknowledged", async () => {
    const run = await env.start();
    await run.faults({ latencyMs: 400 });
    const refs = await Promise.all(Array.from({ length: 3 }, (_, i) => run.submit({ orderNumber: orderNumber(`fs${i}`), authCode: authCodeEnding(0) })));
    for (const ref of refs) await run.waitForStatus(ref, ["submitting"]);
    await run.payer.closeWorkers();
    for (const ref of refs) {
      expect((await run.store.get(ref))?.status).toBe("succeeded");
      expect(await run.payer.feed.entryPending(ref)).toBe(false);
      expect(await run.charges(ref.orderNumber)).toBe(1);
    }
  });

  it("a first send slower than the claim time is not taken over: its payer renews the entry", async () => {
    const run = await env.start({ payer: { feedClaimIdleMs: 1_000 } });
    await run.startAnother();
    // 2.5 s in the sandbox: without renewal a payer would claim the entry after 1 s and run the
    // payment again (resumed: a query, then its answer).
    await run.faults({ latencyMs: 2_500 });
    const ref = await run.submit({ orderNumber: orderNumber("fr"), authCode: authCodeEnding(0) });
    const redis = env.redis.client();
    const keys = redisKeys(env.redis.prefix);
    const feedId = await redis.hget(keys.payment(ref.account, ref.orderNumber), "feedId");
    // Watched while the send is in flight: a claim would deliver the entry a second time.
    let deliveries = 0;
    await waitFor(
      async () => {
        const pending = (await redis.xpending(keys.submits, submitFeed.group, feedId ?? "-", feedId ?? "+", 1)) as [string, string, number, number][];
        deliveries = Math.max(deliveries, pending[0]?.[3] ?? 0);
        const status = (await run.store.get(ref))?.status;
        return status !== undefined && isFinal(status) && pending.length === 0;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: "the payment final and its entry acknowledged" },
    );
    expect(deliveries, "times the entry was delivered").toBe(1);
    const payment = await run.store.get(ref);
    expect(payment?.history.map((h) => `${h.status}/${h.source}`)).toEqual(["accepted/intake", "submitting/payer", "succeeded/payer"]);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("a Redis outage while first sends are in flight: every payment final once Redis is back, charged once, every entry acknowledged", async (ctx) => {
    if (!env.redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const run = await env.start({ payer: { feedClaimIdleMs: 1_000 } });
    await run.faults({ latencyMs: 500 });
    const refs = await Promise.all(Array.from({ length: 5 }, (_, i) => run.submit({ orderNumber: orderNumber(`fo${i}`), authCode: authCodeEnding(0) })));
    for (const ref of refs) await run.waitForStatus(ref, ["submitting"]);
    // The answers come back while Redis is away (AOF on: it restarts with everything it had).
    await env.redis.server.stop({ hard: true });
    await env.redis.server.start();
    await waitFor(
      async () => {
        const statuses = await Promise.all(refs.map(async (ref) => (await run.store.get(ref))?.status));
        const pending = await Promise.all(refs.map((ref) => run.payer.feed.entryPending(ref)));
        return statuses.every((s) => s === "succeeded") && pending.every((p) => !p);
      },
      { timeoutMs: 20_000, message: "every payment succeeded and its entry acknowledged after the outage" },
    );
    for (const ref of refs) {
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.store.sendCount(ref)).toBe(1);
    }
  });
});
