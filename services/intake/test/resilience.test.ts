import { once } from "node:events";
import { useRedis, waitFor } from "@oceanpos/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecoverySweep } from "../src/recovery-sweep.js";
import { type Harness, account, apiKeys, auth, customerScan, merchantScan, startHarness } from "./harness.js";

describe("Redis outages, lost jobs and rate limits", () => {
  const redis = useRedis();
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(redis);
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (body: object, key: string = apiKeys.a) => h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(key), payload: body });

  it("answers 503 unavailable fast while Redis is down and writes nothing", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const body = merchantScan();
    await redis.server.stop();
    try {
      await waitFor(() => h.redis.status !== "ready", { timeoutMs: 5_000, message: "the producer never noticed Redis stopped" });
      const started = Date.now();
      const res = await post(body);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe("unavailable");
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await h.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    } finally {
      await redis.server.start();
    }
    if (h.redis.status !== "ready") await once(h.redis, "ready");

    expect(await h.payments.get({ account, orderNumber: body.orderNumber })).toBeUndefined();
    expect(await h.redis.xlen(h.keys.events)).toBe(0);
    expect(await h.feed()).toEqual([]);
    const retry = await post(body);
    expect(retry.statusCode).toBe(202);
  });

  it("answers 503 when Redis is full (maxmemory, noeviction) and writes nothing", async (ctx) => {
    // A maxmemory of one byte would fail every other suite sharing the Redis given by REDIS_URL.
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL is shared: its maxmemory is not a test's to change");
    const body = merchantScan();
    const batch = { payments: [merchantScan(), customerScan()] };
    const [, maxBefore] = (await h.redis.config("GET", "maxmemory")) as [string, string];
    await h.redis.config("SET", "maxmemory", "1");
    try {
      for (const res of [await post(body), await h.app.inject({ method: "POST", url: "/v1/payments/batch", headers: auth(apiKeys.a), payload: batch })]) {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.json().error).toMatchObject({ code: "unavailable", message: expect.stringMatching(/^storage is full/) });
        expect(res.headers["retry-after"]).toBe("1");
      }
    } finally {
      await h.redis.config("SET", "maxmemory", maxBefore);
    }
    expect(await h.payments.get({ account, orderNumber: body.orderNumber })).toBeUndefined();
    expect(await h.redis.xlen(h.keys.events)).toBe(0);
    expect(await h.feed()).toEqual([]);
    expect((await post(body)).statusCode).toBe(202);
  });

  it("gives a submit job to a payment still accepted whose feed entry went unread", async () => {
    const body = customerScan();
    expect((await post(body)).statusCode).toBe(202);
    // The entry trimmed before any payer read it.
    await h.redis.del(h.keys.submits);
    const sweep = new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, logger: pino({ level: "silent" }), ageMs: 0 });
    expect(await sweep.runOnce()).toBe(1);
    expect((await h.queues.submit.getJobs(["waiting"])).map((j) => j.data)).toEqual([{ account, orderNumber: body.orderNumber }]);
  });

  it("re-adds jobs only for payments still accepted, without duplicating existing ones", async () => {
    const stuck = customerScan();
    const moving = customerScan();
    for (const body of [stuck, moving]) {
      const created = await h.payments.create({
        account,
        orderNumber: body.orderNumber,
        requestHash: "x",
        payment: {
          orderNumber: body.orderNumber,
          storeId: "store-a",
          mode: "customer_scan",
          method: "Alipay_Offline",
          amount: "8.00",
          currency: "USD",
          status: "accepted",
          version: 1,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
          history: [{ status: "accepted", at: new Date().toISOString(), source: "intake" }],
        },
      });
      expect(created.created).toBe(true);
    }
    await h.payments.transition({ account, orderNumber: moving.orderNumber }, { to: "submitting", source: "payer" });

    const sweep = new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, logger: pino({ level: "silent" }), ageMs: 0 });
    expect(await new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, logger: pino({ level: "silent" }), ageMs: 60_000 }).runOnce()).toBe(0);
    expect(await sweep.runOnce()).toBe(1);
    expect(await sweep.runOnce()).toBe(1);
    const jobs = await h.queues.submit.getJobs(["waiting"]);
    expect(jobs.map((j) => j.id)).toEqual([`submit-${account}-${stuck.orderNumber}`]);
  });

  it("retries a submit job that failed while its payment stayed accepted", async () => {
    const body = merchantScan();
    expect((await post(body)).statusCode).toBe(202);
    const jobId = `submit-${account}-${body.orderNumber}`;
    const sweep = new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, logger: pino({ level: "silent" }), ageMs: 0 });
    expect(await sweep.runOnce()).toBe(1);
    // A payer whose attempts all failed before it could move the payment (here: at once).
    const worker = new Worker(
      h.queues.submit.name,
      async () => {
        throw new UnrecoverableError("redis went away");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: h.keys.bullPrefix },
    );
    try {
      await waitFor(async () => (await h.queues.submit.getJob(jobId))?.isFailed(), {
        timeoutMs: 20_000,
        message: "the submit job never failed",
      });
    } finally {
      await worker.close();
    }
    await sweep.runOnce();
    expect(await (await h.queues.submit.getJob(jobId))?.getState()).toBe("waiting");
  }, 30_000);

  it("runs on its interval once started and stops cleanly", async () => {
    expect((await post(customerScan())).statusCode).toBe(202);

    const sweep = new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, logger: pino({ level: "silent" }), ageMs: 0, intervalMs: 100 });
    sweep.start();
    try {
      await waitFor(async () => (await h.queues.submit.getWaitingCount()) === 1, { timeoutMs: 5_000, message: "the sweep did not queue the payment" });
    } finally {
      await sweep.stop();
      await sweep.stop();
    }
  });

  it("limits each store with its token bucket: 429 rate_limited with Retry-After", async () => {
    const statuses = [];
    let limited;
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({ method: "GET", url: "/v1/payments/NOPE1", headers: auth(apiKeys.slow) });
      statuses.push(res.statusCode);
      limited = res;
    }
    expect(statuses).toEqual([404, 404, 429]);
    expect(limited?.json().error.code).toBe("rate_limited");
    const retryAfter = Number(limited?.headers["retry-after"]);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    // Other stores have their own bucket.
    expect((await post(customerScan())).statusCode).toBe(202);
    expect(await h.registry.metrics()).toContain('rate_limited_total{store="store-slow"} 1');
  });

  it("takes a POST's token in the create step: a refused payment is not stored, and GETs share the bucket", async () => {
    const bodies = [customerScan(), customerScan(), customerScan()];
    const statuses = [];
    for (const body of bodies) statuses.push((await post(body, apiKeys.slow)).statusCode);
    expect(statuses).toEqual([202, 202, 429]);
    const ref = (b: { orderNumber: string }) => ({ account: "777777", orderNumber: b.orderNumber });
    expect(await h.payments.get(ref(bodies[0] as { orderNumber: string }))).toBeDefined();
    expect(await h.payments.get(ref(bodies[2] as { orderNumber: string }))).toBeUndefined();
    expect(await h.feed()).toEqual([bodies[0]?.orderNumber, bodies[1]?.orderNumber]);
    // The POSTs emptied the same bucket the hook reads for other routes.
    expect((await h.app.inject({ method: "GET", url: `/v1/payments/${bodies[0]?.orderNumber}`, headers: auth(apiKeys.slow) })).statusCode).toBe(429);
    expect(await h.registry.metrics()).toContain('rate_limited_total{store="store-slow"} 2');
  });
});
