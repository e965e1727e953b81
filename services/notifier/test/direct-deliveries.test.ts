import { redisKeys } from "@oceanpos/core/redis";
import { deliveryQueueName } from "@oceanpos/core/webhooks";
import { useRedis, waitFor } from "@oceanpos/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { Receiver, auth, startNotifier, submittingPayment } from "./helpers.js";

const redis = useRedis();
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(env: Record<string, string> = {}) {
  const receiver = await new Receiver().listen();
  cleanup.push(() => receiver.close());
  const notifier = await startNotifier(redis, env);
  let closed = false;
  cleanup.push(async () => {
    if (!closed) await notifier.close();
  });
  const res = await notifier.app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(), payload: { url: receiver.url, events: ["payment.submitting"] } });
  expect(res.statusCode, res.body).toBe(201);
  const subscriptionId = (res.json() as { id: string }).id;
  const queue = new Queue(deliveryQueueName(subscriptionId), { connection: redis.client(), prefix: redisKeys(redis.prefix).bullPrefix });
  queue.on("error", () => {}); // one test stops Redis on purpose
  cleanup.push(() => queue.close());
  const close = async () => {
    closed = true;
    await notifier.close();
  };
  return { receiver, notifier, subscriptionId, queue, close };
}

const pendingEvents = async () => ((await redis.client().xpending(redisKeys(redis.prefix).events, "notifier")) as [number])[0];
const jobCounts = (queue: Queue) => queue.getJobCounts("completed", "waiting", "delayed", "active", "failed");

async function deliveries(n: Notifier, id: string) {
  const res = await n.app.inject({ method: "GET", url: `/v1/subscriptions/${id}/deliveries`, headers: auth() });
  return (res.json() as { deliveries: Array<{ attempt: number; outcome: string; statusCode: number | null; error: string | null }> }).deliveries;
}

describe("direct first attempts", () => {
  it("deliver without a BullMQ job and acknowledge the event", async () => {
    const { receiver, notifier, queue } = await setup();
    await submittingPayment(notifier.payments, "D1");
    await receiver.next(1, 5_000, "the payment.submitting webhook");
    await waitFor(async () => (await pendingEvents()) === 0, { message: "both events acknowledged" });
    expect(await jobCounts(queue)).toEqual({ completed: 0, waiting: 0, delayed: 0, active: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it("wait for room in a fast endpoint's full lane instead of queueing a burst as jobs", async () => {
    const { receiver, notifier, queue } = await setup({ WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: "2" });
    // Slow enough that a batch finds the lane full, fast enough to free it within the wait.
    receiver.delayMs = 20;
    // One batch of 30 events, 10 of them for the subscription: 2 slots, 8 waits.
    await Promise.all(Array.from({ length: 10 }, (_, i) => submittingPayment(notifier.payments, `DB${i}`)));
    await receiver.next(10, 10_000, "the burst's webhooks");
    await waitFor(async () => (await pendingEvents()) === 0, { message: "every event acknowledged" });
    expect(await jobCounts(queue), "deliveries queued as jobs").toEqual({ completed: 0, waiting: 0, delayed: 0, active: 0, failed: 0 });
  });

  it("turn a failed first attempt into a job for the second, numbered as such", async () => {
    const { receiver, notifier, subscriptionId, queue } = await setup();
    receiver.respond = (i) => ({ status: i === 0 ? 503 : 204 });
    await submittingPayment(notifier.payments, "D2");
    const [first, second] = await receiver.next(2, 10_000, "the failed attempt and its retry");
    expect(second?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    const log = await waitFor(async () => {
      const d = await deliveries(notifier, subscriptionId);
      return d.length >= 2 && d;
    }, { message: "two delivery log entries" });
    expect(log.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [2, "delivered", 204],
      [1, "retrying", 503],
    ]);
    // The second attempt is logged before its job is marked completed: wait for that too.
    const job = await waitFor(async () => (await queue.getJobs(["completed"]))[0], { message: "the retry's job completed" });
    expect(job?.data).toMatchObject({ subscriptionId, priorAttempts: 1 });
    expect(job?.opts.attempts).toBe(7);
    expect(await pendingEvents()).toBe(0);
  });

  it("lose nothing to a Redis outage during the attempt: the delivery is made again once Redis is back", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const { receiver, notifier } = await setup({ WEBHOOK_TIMEOUT_MS: "800" });
    receiver.respond = (i) => (i === 0 ? undefined : { status: 204 });
    await submittingPayment(notifier.payments, "D4");
    const [hung] = await receiver.next(1, 5_000, "the attempt that hangs");
    // The attempt times out while Redis is down: neither its log entry nor its retry job can be
    // written, and the event stays pending until the relay reads it again.
    const abandoned = receiver.abandoned();
    await redis.server.stop({ hard: true });
    try {
      await abandoned;
    } finally {
      await redis.server.start();
    }
    const [, again] = await receiver.next(2, 15_000, "the delivery made again after Redis came back");
    expect(again?.headers["webhook-id"]).toBe(hung?.headers["webhook-id"]);
    await waitFor(async () => (await pendingEvents()) === 0, { timeoutMs: 10_000, message: "the event acknowledged at last" });
  });

  it("a first attempt slower than the claim time is not made again by another replica: the relay renews its event", async () => {
    const env = { RELAY_CLAIM_IDLE_MS: "300", WEBHOOK_TIMEOUT_MS: "2500" };
    const { receiver, notifier, subscriptionId } = await setup(env);
    const other = await startNotifier(redis, env);
    cleanup.push(() => other.close());
    receiver.respond = (i) => (i === 0 ? undefined : { status: 204 });
    await submittingPayment(notifier.payments, "D5");
    await receiver.next(1, 5_000, "the attempt that hangs");
    // Without renewal the other replica claims the event after 300 ms idle and delivers it from a
    // job while this attempt still hangs.
    await receiver.abandoned();
    expect(receiver.requests, "requests before the first attempt was given up").toHaveLength(1);
    const [, retry] = await receiver.next(2, 10_000, "the retry of the attempt that timed out");
    expect(retry?.headers["webhook-id"]).toBe(receiver.requests[0]?.headers["webhook-id"]);
    // The first attempt is logged as what happened to it: WEBHOOK_TIMEOUT_MS ran out.
    const first = (await deliveries(notifier, subscriptionId)).find((d) => d.attempt === 1);
    expect(first).toMatchObject({ outcome: "retrying", statusCode: null, error: "timed out" });
  });

  it("on shutdown, queue an attempt the endpoint does not answer and acknowledge its event", async () => {
    const { receiver, notifier, subscriptionId, queue, close } = await setup();
    receiver.respond = () => undefined;
    await submittingPayment(notifier.payments, "D3");
    await receiver.next(1, 5_000, "the attempt that hangs");
    await close(); // a 1 s grace, then the attempt is aborted
    const jobs = await queue.getJobs(["delayed", "waiting"]);
    expect(jobs.map((j) => j.data)).toEqual([expect.objectContaining({ subscriptionId, priorAttempts: 1 })]);
    expect(await pendingEvents()).toBe(0);
  });
});
