import { PaymentStore } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { SubscriptionStore, deliveryJobId, deliveryQueueName } from "@oceanpos/core/webhooks";
import { useRedis, waitFor } from "@oceanpos/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { Receiver, startNotifier, submittingPayment } from "./helpers.js";

const redis = useRedis();
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe("event relay (outbox consumer group)", () => {
  it("re-delivers events a consumer read and died on before XACK, once each", async () => {
    const client = redis.client();
    const keys = redisKeys(redis.prefix);
    const receiver = await new Receiver().listen();
    cleanup.push(() => receiver.close());
    const subscriptions = new SubscriptionStore({ redis: client, keyPrefix: redis.prefix });
    const { subscription } = await subscriptions.create({ url: receiver.url, events: ["payment.*"] });
    const payments = new PaymentStore({ redis: client, keyPrefix: redis.prefix });
    await submittingPayment(payments, "R1");

    // A replica reads both events, enqueues the first one's delivery, and dies before XACK.
    await client.xgroup("CREATE", keys.events, "notifier", "0", "MKSTREAM");
    const read = (await client.xreadgroup("GROUP", "notifier", "dead-replica", "COUNT", 10, "STREAMS", keys.events, ">")) as [
      string,
      [string, string[]][],
    ][];
    const ids = read[0]?.[1].map(([id]) => id) ?? [];
    expect(ids).toHaveLength(2);
    const queue = new Queue(deliveryQueueName(subscription.id), { connection: client, prefix: keys.bullPrefix });
    cleanup.push(() => queue.close());
    await queue.add("deliver", { subscriptionId: subscription.id, eventId: `evt_${ids[0]}` }, { jobId: deliveryJobId(ids[0] as string, subscription.id) });
    expect(((await client.xpending(keys.events, "notifier")) as [number])[0]).toBe(2);

    const notifier: Notifier = await startNotifier(redis, { RELAY_CLAIM_IDLE_MS: "50" });
    cleanup.push(() => notifier.close());
    const received = await receiver.next(2, 10_000, "both events after the relay claimed them");
    expect(received.map((r) => r.headers["webhook-id"]).sort()).toEqual(ids.map((id) => `evt_${id}`).sort());

    await waitFor(async () => ((await client.xpending(keys.events, "notifier")) as [number])[0] === 0, {
      message: "claimed entries acknowledged",
    });
    // The re-enqueue of the first event hit the same jobId: two jobs in all, both completed.
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 2, { message: "two completed jobs" });
    expect(await queue.getJobCounts("completed", "waiting", "delayed", "active", "failed")).toEqual({
      completed: 2,
      waiting: 0,
      delayed: 0,
      active: 0,
      failed: 0,
    });
    expect(receiver.requests).toHaveLength(2);
  });

  it("two replicas share the group: each event is fanned out once", async () => {
    const receiver = await new Receiver().listen();
    cleanup.push(() => receiver.close());
    // Claims well after any first attempt ends: an event is unacknowledged while its attempt runs.
    const a = await startNotifier(redis, { RELAY_CLAIM_IDLE_MS: "10000" });
    cleanup.push(() => a.close());
    const b = await startNotifier(redis, { RELAY_CLAIM_IDLE_MS: "10000" });
    cleanup.push(() => b.close());
    const res = await a.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: { authorization: "Bearer test-admin-token" },
      payload: { url: receiver.url, events: ["payment.submitting"] },
    });
    expect(res.statusCode).toBe(201);
    // Replica b learns of the subscription through the version counter.
    await waitFor(() => b.cache.all.length === 1, { message: "replica b sees the subscription" });
    for (let i = 0; i < 6; i++) await submittingPayment(a.payments, `R2-${i}`);
    await receiver.next(6);
    const keys = redisKeys(redis.prefix);
    const client = redis.client();
    await waitFor(async () => ((await client.xpending(keys.events, "notifier")) as [number])[0] === 0, { message: "all acknowledged" });
    const relayed = async (n: Notifier) => (await n.metrics.eventsRelayed.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect((await relayed(a)) + (await relayed(b))).toBe(12);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(6);
    expect(receiver.requests).toHaveLength(6);
  });
});
