import { freePort, useRedis, waitFor } from "@oceanpos/testing";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { voidJob } from "../src/jobs.js";
import { type Harness, account, auth, customerScan, merchantScan } from "./harness.js";
import { type Reply, changedNothing, expect503, outcomeUnknown, useOutageFixture } from "./outage-support.js";

/** Commands ioredis has written to the socket and awaits a reply for (its own bookkeeping). */
function inFlight(redis: Redis): number {
  return (redis as unknown as { commandQueue: { length: number } }).commandQueue.length;
}

/**
 * A 503 says "the request changed nothing" only when that is proven; after a command time-out or
 * a connection lost with the command in flight it says "outcome unknown" (issue 15: with Redis
 * frozen, 151 creates were told "changed nothing", then created once Redis resumed, then charged).
 * Each case runs against a real redis-server: frozen (SIGSTOP), killed, never started.
 */
describe("503 unavailable: changed nothing, or outcome unknown", () => {
  const redis = useRedis();
  const { harness, otherRedis } = useOutageFixture(redis);

  const post = (h: Harness, url: string, payload: object) => h.app.inject({ method: "POST", url, headers: auth(), payload });

  async function voidablePayment(h: Harness): Promise<string> {
    const body = customerScan();
    expect((await post(h, "/v1/payments", body)).statusCode).toBe(202);
    const ref = { account, orderNumber: body.orderNumber };
    await h.payments.transition(ref, { to: "submitting", source: "payer" });
    await h.payments.transition(ref, { to: "awaiting_customer", source: "payer" });
    return body.orderNumber;
  }

  it("Redis frozen: a create answers outcome unknown (and was indeed stored once Redis resumed); steps before any write answer changed nothing", async (ctx) => {
    if (!redis.server.freezable) ctx.skip("the Redis given by REDIS_URL cannot be frozen");
    const h = await harness();
    const voidable = await voidablePayment(h);
    const create = merchantScan();
    const batch = { payments: [customerScan(), customerScan()] };

    await redis.server.freeze();
    let replies: Reply[];
    try {
      replies = await Promise.all([
        post(h, "/v1/payments", create),
        // The store's rate-limit token is taken first: that step times out, no create is sent.
        post(h, "/v1/payments/batch", batch),
        post(h, `/v1/payments/${voidable}/void`, {}),
        h.app.inject({ method: "GET", url: `/v1/payments/${create.orderNumber}`, headers: auth() }),
      ]);
    } finally {
      await redis.server.thaw();
    }
    const [created, batched, voided, read] = replies as [Reply, Reply, Reply, Reply];
    expect503(created, outcomeUnknown);
    expect503(batched, changedNothing);
    expect503(voided, changedNothing);
    expect503(read, changedNothing);

    // The create's script ran when Redis resumed: "changed nothing" would have been a lie.
    const stored = await waitFor(() => h.payments.get({ account, orderNumber: create.orderNumber }), {
      message: "the timed-out create was stored once Redis resumed",
    });
    expect(stored.status).toBe("accepted");
    // The promised retry: the same body finds it, nothing is created twice.
    const retry = await post(h, "/v1/payments", create);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(await h.feed()).toEqual(expect.arrayContaining([create.orderNumber]));
    // The batch and the void did change nothing.
    for (const item of batch.payments) expect(await h.payments.get({ account, orderNumber: item.orderNumber })).toBeUndefined();
    expect(await h.queues.void.getJob(voidJob({ account, orderNumber: voidable }).opts.jobId)).toBeUndefined();
    expect((await post(h, "/v1/payments/batch", batch)).json().results.map((r: { status: number }) => r.status)).toEqual([202, 202]);
  }, 30_000);

  it("a batch's creates and a void's job sent and unanswered answer outcome unknown, and did happen", async () => {
    // Payments of one intake, and queues of another, on a Redis that freezes after the earlier steps answered.
    const other = await otherRedis();
    const batching = await harness({}, { paymentsRedis: other.connection });
    const voiding = await harness({}, { queuesRedis: other.connection });
    const voidable = await voidablePayment(voiding);
    const batch = { payments: [customerScan(), customerScan()] };

    other.server.freeze();
    let replies: Reply[];
    try {
      replies = await Promise.all([post(batching, "/v1/payments/batch", batch), post(voiding, `/v1/payments/${voidable}/void`, {})]);
    } finally {
      other.server.thaw();
    }
    const [batched, voided] = replies as [Reply, Reply];
    expect503(batched, outcomeUnknown);
    expect503(voided, outcomeUnknown);

    await waitFor(async () => (await Promise.all(batch.payments.map((p) => batching.payments.get({ account, orderNumber: p.orderNumber })))).every(Boolean), {
      message: "the timed-out batch was stored once Redis resumed",
    });
    const jobId = voidJob({ account, orderNumber: voidable }).opts.jobId;
    await waitFor(() => voiding.queues.void.getJob(jobId), { message: "the timed-out void job was queued once Redis resumed" });
    // Retrying with the same bodies is safe: replays, and the void job is queued once.
    expect((await post(batching, "/v1/payments/batch", batch)).json().results.map((r: { status: number }) => r.status)).toEqual([200, 200]);
    expect((await post(voiding, `/v1/payments/${voidable}/void`, {})).statusCode).toBe(202);
    expect(await voiding.queues.void.getJobCountByTypes("waiting")).toBe(1);
  }, 30_000);

  it("a void whose job could not be sent (its Redis was killed) answers changed nothing", async () => {
    const other = await otherRedis();
    const h = await harness({}, { queuesRedis: other.connection });
    const voidable = await voidablePayment(h);
    await other.server.stop({ hard: true });
    await waitFor(() => other.connection.status !== "ready", { message: "the queue connection noticed Redis died" });
    expect503(await post(h, `/v1/payments/${voidable}/void`, {}), changedNothing);
  });

  it("Redis killed with a create in flight: outcome unknown, although this time it never ran", async (ctx) => {
    if (!redis.server.freezable) ctx.skip("the Redis given by REDIS_URL cannot be frozen or killed");
    const h = await harness();
    const create = merchantScan();
    await redis.server.freeze();
    let created: Reply;
    try {
      const reply = post(h, "/v1/payments", create);
      await waitFor(() => inFlight(h.redis) > 0, { message: "the create's script was written to Redis" });
      await redis.server.stop({ hard: true });
      created = await reply;
    } finally {
      await redis.server.start();
    }
    // The intake cannot tell whether Redis ran the script before it died: it must not say it did not.
    expect503(created, outcomeUnknown);
    await waitFor(() => h.redis.status === "ready", { message: "the producer reconnected" });
    expect(await h.payments.get({ account, orderNumber: create.orderNumber })).toBeUndefined();
    expect((await post(h, "/v1/payments", create)).statusCode).toBe(202);
  }, 30_000);

  it("Redis killed, then a request: changed nothing", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const h = await harness();
    const voidable = await voidablePayment(h);
    const create = merchantScan();
    await redis.server.stop({ hard: true });
    let replies: Reply[];
    try {
      await waitFor(() => h.redis.status !== "ready", { message: "the producer noticed Redis died" });
      replies = await Promise.all([
        post(h, "/v1/payments", create),
        post(h, "/v1/payments/batch", { payments: [customerScan()] }),
        post(h, `/v1/payments/${voidable}/void`, {}),
      ]);
    } finally {
      await redis.server.start();
    }
    for (const reply of replies) expect503(reply, changedNothing);
    await waitFor(() => h.redis.status === "ready", { message: "the producer reconnected" });
    expect(await h.payments.get({ account, orderNumber: create.orderNumber })).toBeUndefined();
  });

  it("Redis lost during Prefer: wait after the create: 202 with the payment, not a 503", async (ctx) => {
    if (!redis.server.controllable) ctx.skip("the Redis given by REDIS_URL cannot be stopped by a test");
    const h = await harness();
    const create = customerScan();
    const reply = h.app.inject({ method: "POST", url: "/v1/payments", headers: { ...auth(), prefer: "wait=1" }, payload: create });
    const reader = redis.client();
    await waitFor(() => reader.exists(h.keys.payment(account, create.orderNumber)), { message: "the payment was created" });
    await redis.server.stop({ hard: true });
    let res: Reply;
    try {
      res = await reply;
    } finally {
      await redis.server.start();
    }
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ orderNumber: create.orderNumber, status: "accepted" });
  });

  it("Redis never started: changed nothing", async () => {
    const h = await harness({}, { url: `redis://127.0.0.1:${await freePort()}`, awaitReady: false });
    for (const [url, payload] of [
      ["/v1/payments", merchantScan()],
      ["/v1/payments/batch", { payments: [customerScan()] }],
      ["/v1/payments/NO1/void", {}],
    ] as const) {
      expect503(await post(h, url, payload), changedNothing);
    }
  });
});
