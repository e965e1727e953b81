import { jobCatalog } from "@oceanpos/core/jobs";
import { RefundStore } from "@oceanpos/core/refunds";
import { useRedis, waitFor } from "@oceanpos/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecoverySweep } from "../src/recovery-sweep.js";
import { type Harness, account, startHarness } from "./harness.js";
import { paymentIn, postRefund } from "./refund-support.js";

describe("the recovery sweep under the refund feed", () => {
  const redis = useRedis();
  let h: Harness;
  let refunds: RefundStore;
  beforeEach(async () => {
    h = await startHarness(redis);
    refunds = new RefundStore({ redis: h.redis, keyPrefix: redis.prefix });
  });
  afterEach(async () => {
    await h.close();
  });
  const sweep = (ageMs = 0) =>
    new RecoverySweep({ payments: h.payments, submitQueue: h.queues.submit, refunds: { store: refunds, queue: h.queues.refund }, logger: pino({ level: "silent" }), ageMs });

  it("gives a refund job to each refund still accepted whose feed entry went unread, once, and none to a refund on its way", async () => {
    const orderNumber = await paymentIn(h);
    for (const refundNumber of ["R-stuck", "R-moving"]) expect((await postRefund(h, orderNumber, { refundNumber, amount: "1.00" })).statusCode).toBe(202);
    // The entries trimmed before any payer read them; one refund was taken up all the same.
    await h.redis.del(h.keys.refundFeed);
    await refunds.transition({ account, orderNumber, refundNumber: "R-moving" }, { to: "submitting", source: "payer" });

    expect(await sweep(60_000).runOnce()).toBe(0);
    expect(await sweep().runOnce()).toBe(1);
    expect(await sweep().runOnce()).toBe(1);
    const jobs = await h.queues.refund.getJobs(["waiting"]);
    expect(jobs.map((j) => [j.id, j.name, j.data])).toEqual([
      [`refund-${account}-${orderNumber}.R-stuck`, jobCatalog.submitRefund.name, { account, orderNumber, refundNumber: "R-stuck" }],
    ]);
  });

  it("retries a refund job that failed while its refund stayed accepted", async () => {
    const orderNumber = await paymentIn(h);
    await postRefund(h, orderNumber, { refundNumber: "R-1", amount: "1.00" });
    const jobId = `refund-${account}-${orderNumber}.R-1`;
    expect(await sweep().runOnce()).toBe(1);
    const worker = new Worker(
      h.queues.refund.name,
      async () => {
        throw new UnrecoverableError("redis went away");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: h.keys.bullPrefix },
    );
    try {
      await waitFor(async () => (await h.queues.refund.getJob(jobId))?.isFailed(), { timeoutMs: 20_000, message: "the refund job never failed" });
    } finally {
      await worker.close();
    }
    await sweep().runOnce();
    expect(await (await h.queues.refund.getJob(jobId))?.getState()).toBe("waiting");
  }, 30_000);
});
