import { jobCatalog, paymentJob } from "@oceanpos/core/jobs";
import type { PaymentRef } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import { waitFor } from "@oceanpos/testing";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  type PayerOptions,
  type Running,
  type SetupContext,
  account,
  authCodeEnding,
  fastJobOptions,
  firstRollsFire,
  newPayment,
  orderNumber,
  readFeedAs,
  sendAsDeadPayer,
  usePayerEnv,
} from "./support/payer-env.js";

/**
 * The submit watchdog: moving `accepted → submitting` also schedules a reconciliation check at
 * now + `submitWatchdogMs`. When that check comes due the reconciler leaves the payment to its
 * submit while one is alive (a first send's feed entry unacknowledged, a job waiting, delayed,
 * active…), and otherwise queries the gateway and adopts its answer: a payment whose submit is
 * lost for good is still settled, and never resent. A dead payer's unacknowledged feed entry is
 * claimed by another payer (crash.test.ts); here the entries are acknowledged, as by a payer that
 * handed the payment to a job since lost. Notices go nowhere here: only a pay answer or a query
 * can move a payment.
 */
describe("payer: submit watchdog", () => {
  const env = usePayerEnv();

  /**
   * Retries so far away that a job parked for one is, for this test, a job nobody runs again:
   * after an answer (the job's backoff) or after a call that got none (the outage backoff).
   */
  const parkedRetry: Partial<PayerOptions> = {
    submitJobOptions: { ...fastJobOptions, backoff: { type: "fixed", delay: 600_000 } },
    outageBackoff: { initialMs: 600_000, maxMs: 600_000 },
  };

  const jobIdOf = (ref: PaymentRef) => jobCatalog.submitPayment.jobId(ref);

  /** One connection per test for reading the schedule's counters (closed with the test). */
  const readers = new WeakMap<Running, Redis>();

  /** Reconciliation checks claimed for the payment so far (the schedule's own counter). */
  async function claims(run: Running, ref: PaymentRef): Promise<number> {
    let redis = readers.get(run);
    if (!redis) {
      redis = env.redis.client();
      readers.set(run, redis);
    }
    const checks = await redis.hget(redisKeys(env.redis.prefix).reconcileChecks, `${ref.account}:${ref.orderNumber}`);
    return Number(checks ?? 0);
  }

  /**
   * Waits until the reconciler has claimed the payment's due check at least `count` times, the
   * payment staying `submitting` meanwhile (a move would also end its claims: fail at once).
   */
  async function waitForClaims(run: Running, ref: PaymentRef, count: number): Promise<void> {
    let seen = 0;
    await waitFor(
      async () => {
        const status = (await run.store.get(ref))?.status;
        if (status !== "submitting") throw new Error(`${ref.orderNumber} moved to ${status} while its submit job was alive`);
        seen = await claims(run, ref);
        return seen >= count;
      },
      { timeoutMs: 5_000, message: `reconciler to claim ${ref.orderNumber}'s watchdog ${count} times (claimed ${seen})` },
    );
  }

  async function waitForJobState(run: Running, ref: PaymentRef, state: string): Promise<void> {
    let last = "";
    await waitFor(
      async () => {
        last = await run.payer.submitQueue.getJobState(jobIdOf(ref));
        return last === state;
      },
      { timeoutMs: 5_000, message: `submit job of ${ref.orderNumber} to be ${state} (now ${last})` },
    );
  }

  /**
   * Creates the payment as intake does, its feed entry then read and acknowledged by a payer that
   * is gone (call from `setup`): no submit runs or will.
   */
  async function createPayment(ctx: SetupContext, tag: string, authCode: string): Promise<PaymentRef> {
    const number = orderNumber(tag);
    const ref = { account, orderNumber: number };
    const created = await ctx.store.create({ ...ref, payment: newPayment({ orderNumber: number }), requestHash: `h-${number}`, authCode });
    expect(created.created).toBe(true);
    expect(await readFeedAs(env.redis.client(), env.redis.prefix, "gone-payer", true)).toBe(1);
    return ref;
  }

  /** The move a submit run makes first, with its watchdog (what `SubmitProcessor` writes). */
  async function moveToSubmitting(ctx: SetupContext, ref: PaymentRef, watchdogDueAt: number): Promise<void> {
    const moved = await ctx.store.transition(ref, { to: "submitting", source: "payer" }, { reconcile: { dueAt: watchdogDueAt } });
    expect(moved.outcome).toBe("applied");
  }

  describe("the gateway holds a successful attempt and the submit job is gone", () => {
    it("crash after the send (answer lost, settling query failed, job lost while parked for its retry): the watchdog's query settles it, charged once", async () => {
      const watchdogMs = 200;
      // Roll 1: the pay is charged, then its connection reset (ambiguous); roll 2: the job's
      // settling query is reset too, so the job parks for a retry. No later request faults.
      const run = await env.start({ sandbox: { random: firstRollsFire(2) }, payer: { submitWatchdogMs: watchdogMs, ...parkedRetry } });
      await run.faults({ resetAfterChargeRate: 0.5 });
      // The first send (from the feed) is ambiguous, its query too: handed to a job parked for its retry.
      const ref = await run.submit({ orderNumber: orderNumber("wdok"), authCode: authCodeEnding(0) });
      await waitForJobState(run, ref, "delayed");

      const submitting = await run.store.get(ref);
      expect(submitting?.status).toBe("submitting");
      const submittingAt = Date.parse(submitting?.history.at(-1)?.at ?? "");
      // The move to submitting scheduled the watchdog, not an earlier check (a claim only pushes it later).
      expect(await run.payer.schedule.dueAt(ref)).toBeGreaterThanOrEqual(submittingAt + watchdogMs - 50);
      expect(await run.store.sendCount(ref)).toBe(1);
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.counter("payer_submissions_total", { outcome: "ambiguous" })).toBe(1);
      expect(await run.counter("payer_queries_total", { result: "ambiguous" })).toBe(1);

      // Due, claimed, and left alone while the job is parked (case "delayed": a live job).
      await waitForClaims(run, ref, 2);
      expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe("delayed");
      expect((await run.store.get(ref))?.status).toBe("submitting");
      expect(await run.counter("payer_queries_total", { result: "answered" })).toBe(0);

      // The job is lost for good (removed from Redis: an operator, a lost key…).
      const job = await run.payer.submitQueue.getJob(jobIdOf(ref));
      await job?.remove();
      expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe("unknown");

      const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
      expect(payment.status).toBe("succeeded");
      expect(payment.history.map((h) => `${h.status}/${h.source}`)).toEqual(["accepted/intake", "submitting/payer", "succeeded/query"]);
      expect(payment.paymentId).toMatch(/^\d+$/);
      expect(Date.parse(payment.updatedAt)).toBeGreaterThanOrEqual(submittingAt + watchdogMs);
      expect(await run.counter("payer_queries_total", { result: "answered" })).toBeGreaterThanOrEqual(1);
      // Never sent again: one pay request, one charge, and the schedule is done with it.
      expect(await run.store.sendCount(ref)).toBe(1);
      expect(await run.counter("payer_submissions_total")).toBe(1);
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
    });

    it.each(["no job at all", "a job failed for good"] as const)(
      "crash after the send, %s: nothing happens before the watchdog is due, then its query settles it, charged once",
      async (jobFate) => {
        const watchdogMs = 500;
        const authCode = authCodeEnding(0);
        let ref: PaymentRef | undefined;
        let dueAt = 0;
        let paymentId = "";
        const run = await env.start({
          payer: { submitWatchdogMs: watchdogMs },
          async setup(dead) {
            ref = await createPayment(dead, "wdcr", authCode);
            // A previous payer moved it (with its watchdog), counted and sent the pay, then died.
            dueAt = Date.now() + watchdogMs;
            await moveToSubmitting(dead, ref, dueAt);
            paymentId = await sendAsDeadPayer(dead, ref, authCode);
          },
        });
        if (!ref) throw new Error("setup did not run");
        expect(await run.charges(ref.orderNumber)).toBe(1);
        if (jobFate === "a job failed for good") {
          // BullMQ fails a job for good without its processor recording anything when it stalled
          // more than maxStalledCount times (it kills its payer every time). A job the processor
          // refuses as unrecoverable (a name it does not know) ends in the same `failed` state with
          // the payment untouched, which is all the reconciler sees.
          await run.payer.submitQueue.add("submit-unknown", ref, { ...fastJobOptions, jobId: jobIdOf(ref) });
          await waitForJobState(run, ref, "failed");
        } else {
          expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe("unknown");
        }
        expect((await run.store.get(ref))?.status).toBe("submitting");

        const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
        expect(payment).toMatchObject({ status: "succeeded", paymentId });
        expect(payment.history.at(-1)).toMatchObject({ status: "succeeded", source: "query", code: "80000" });
        // Settled by the watchdog's check, not before it was due.
        expect(Date.parse(payment.updatedAt)).toBeGreaterThanOrEqual(dueAt);
        expect(await run.store.sendCount(ref)).toBe(1);
        expect(await run.counter("payer_submissions_total")).toBe(0);
        expect(await run.charges(ref.orderNumber)).toBe(1);
        expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
      },
    );

    it("crash after the send, no job, and the gateway failing every query: the watchdog asks again after the backoff, past the settlement window needs_review, then settled by the first answer", async () => {
      const windowMs = 1_500;
      const authCode = authCodeEnding(0);
      let ref: PaymentRef | undefined;
      const run = await env.start({
        // Today's code walked each failed check to the minute-long step and never asked a person.
        payer: { submitWatchdogMs: 300, unsettledReviewAfterMs: windowMs, reviewQueryMs: 200, reconcileIntervalsMs: [100, 200, 60_000] },
        async setup(dead) {
          ref = await createPayment(dead, "wdout", authCode);
          await moveToSubmitting(dead, ref, Date.now() + 300);
          await sendAsDeadPayer(dead, ref, authCode);
          dead.sandbox.faults.set({ errorRate: 1 }); // from now on every query is answered 500
        },
      });
      if (!ref) throw new Error("setup did not run");

      const reviewed = await run.waitForStatus(ref, ["needs_review", "succeeded", "failed"], 10_000);
      expect(reviewed.status).toBe("needs_review");
      expect(reviewed.history.at(-1)).toMatchObject({ status: "needs_review", source: "query" });
      expect(reviewed.history.at(-1)?.reason).toMatch(/^outcome unknown \d+ s after the submit began \(settlement window 2 s\): query got no answer \(http_5xx\)$/);
      const began = Date.parse(reviewed.history.find((h) => h.status === "submitting")?.at ?? "");
      expect(Date.parse(reviewed.updatedAt) - began).toBeGreaterThanOrEqual(windowMs);
      expect(await run.counter("payer_queries_total", { result: "retryable" })).toBeGreaterThanOrEqual(3);
      expect(await run.counter("payments_needs_review_total", { reason: "unsettled" })).toBe(1);

      await run.clearFaults();
      const payment = await run.waitForStatus(ref, ["succeeded", "failed"], 5_000);
      expect(payment.history.map((h) => `${h.status}/${h.source}`)).toEqual(["accepted/intake", "submitting/payer", "needs_review/query", "succeeded/query"]);
      expect(await run.store.sendCount(ref)).toBe(1);
      expect(await run.counter("payer_submissions_total")).toBe(0);
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
    });
  });

  describe("the pay request never reached the gateway and the submit job is gone", () => {
    // `Reconciler.noAttempt`: a `submitting` payment whose job is gone and of which the gateway
    // holds no attempt goes to `needs_review` (kind `submit_lost`, source `query`). It is NOT
    // re-queued or resent, even when no send was ever counted: only a submit job sends. The review
    // is then looked at once more (slowest interval) and, still no attempt, leaves the schedule.

    async function expectReviewedNotCharged(run: Running, ref: PaymentRef): Promise<void> {
      const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
      expect(payment.status).toBe("needs_review");
      expect(payment.history.at(-1)).toMatchObject({
        status: "needs_review",
        source: "query",
        reason: "submit job ended and the gateway shows no attempt",
      });
      expect(await run.counter("payments_needs_review_total", { reason: "submit_lost" })).toBe(1);
      let due: number | undefined;
      await waitFor(
        async () => {
          due = await run.payer.schedule.dueAt(ref);
          return due === undefined;
        },
        { timeoutMs: 5_000, message: `${ref.orderNumber} (needs_review, no attempt) to leave the reconciliation schedule (due ${due})` },
      );
      expect((await run.store.get(ref))?.status).toBe("needs_review");
      expect(await run.charges(ref.orderNumber)).toBe(0);
    }

    it("the send was refused before processing (500) and the job lost while parked for its retry: needs_review, never resent", async () => {
      const run = await env.start({ sandbox: { random: firstRollsFire(1) }, payer: { submitWatchdogMs: 200, ...parkedRetry } });
      await run.faults({ errorRate: 0.5 }); // the first pay request only: 500, nothing processed
      const ref = await run.submit({ orderNumber: orderNumber("wdna"), authCode: authCodeEnding(0) });
      await waitForJobState(run, ref, "delayed");
      expect((await run.store.get(ref))?.status).toBe("submitting");
      expect(await run.counter("payer_submissions_total", { outcome: "retryable" })).toBe(1);

      await waitForClaims(run, ref, 2);
      expect((await run.store.get(ref))?.status).toBe("submitting"); // left to its live (delayed) job
      expect(await run.counter("payer_queries_total")).toBe(0);
      const job = await run.payer.submitQueue.getJob(jobIdOf(ref));
      await job?.remove();

      await expectReviewedNotCharged(run, ref);
      expect(await run.counter("payer_queries_total", { result: "answered" })).toBeGreaterThanOrEqual(1);
      expect(await run.store.sendCount(ref)).toBe(1);
      expect(await run.counter("payer_submissions_total")).toBe(1); // the refused one: nothing resent
    });

    it("the payer died between the move to submitting and the send (nothing counted), no job: needs_review, nothing sent", async () => {
      let ref: PaymentRef | undefined;
      let dueAt = 0;
      const run = await env.start({
        payer: { submitWatchdogMs: 300 },
        async setup(dead) {
          ref = await createPayment(dead, "wdns", authCodeEnding(0));
          dueAt = Date.now() + 300;
          await moveToSubmitting(dead, ref, dueAt);
        },
      });
      if (!ref) throw new Error("setup did not run");

      await expectReviewedNotCharged(run, ref);
      expect(Date.parse((await run.store.get(ref))?.history.at(-1)?.at ?? "")).toBeGreaterThanOrEqual(dueAt);
      expect(await run.store.sendCount(ref)).toBe(0);
      expect(await run.counter("payer_submissions_total")).toBe(0);
    });
  });

  describe("while the submit job is alive, the reconciler leaves the payment to it", () => {
    it.each(["waiting", "delayed"] as const)(
      "a %s job: its due watchdog is claimed but nothing is queried or moved; once the job runs, settled once",
      async (state) => {
        const authCode = authCodeEnding(0);
        let ref: PaymentRef | undefined;
        let dead: SetupContext | undefined;
        const run = await env.start({
          async setup(ctx) {
            dead = ctx;
            ref = await createPayment(ctx, `wdl${state.slice(0, 1)}`, authCode);
          },
        });
        if (!ref || !dead) throw new Error("setup did not run");
        // The job is alive before the watchdog can be due: waiting in a paused queue, or delayed.
        if (state === "waiting") await run.payer.submitQueue.pause();
        const job = paymentJob("submitPayment", ref, state === "delayed" ? { delayMs: 600_000 } : {}, fastJobOptions);
        await run.payer.submitQueue.add(job.name, job.data, job.opts);
        expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe(state);
        // Submitting with its watchdog due at once, and charged at the gateway: a query would settle it.
        await moveToSubmitting(dead, ref, Date.now());
        await sendAsDeadPayer(dead, ref, authCode);

        await waitForClaims(run, ref, 3);
        expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe(state);
        const untouched = await run.store.get(ref);
        expect(untouched?.status).toBe("submitting");
        expect(untouched?.history.map((h) => h.source)).toEqual(["intake", "payer"]);
        expect(await run.counter("payer_queries_total")).toBe(0);

        // The job runs at last: it finds the payment submitting, queries first and never resends.
        if (state === "waiting") await run.payer.submitQueue.resume();
        else await (await run.payer.submitQueue.getJob(jobIdOf(ref)))?.promote();
        await waitForJobState(run, ref, "completed");
        const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
        expect(payment.status).toBe("succeeded");
        expect(await run.store.sendCount(ref)).toBe(1);
        expect(await run.counter("payer_submissions_total")).toBe(0);
        expect(await run.charges(ref.orderNumber)).toBe(1);
      },
    );

    it("a first send in flight (slow gateway): the reconciler does not query mid-send although the watchdog is due; the send's answer stands", async () => {
      const run = await env.start({ payer: { submitWatchdogMs: 50 } });
      // The pay request sits in the sandbox's latency (nothing processed yet) for 1.5 s, far past
      // the watchdog: the feed entry is unacknowledged all that time, and the payment left to it.
      await run.faults({ latencyMs: 1_500 });
      const ref = await run.submit({ orderNumber: orderNumber("wdact"), authCode: authCodeEnding(0) });
      await run.waitForStatus(ref, ["submitting"]);

      await waitForClaims(run, ref, 2);
      expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe("unknown");
      expect(await run.payer.feed.entryPending(ref)).toBe(true);
      expect((await run.store.get(ref))?.status).toBe("submitting");
      expect(await run.counter("payer_queries_total")).toBe(0);

      const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
      expect(payment.history.map((h) => `${h.status}/${h.source}`)).toEqual(["accepted/intake", "submitting/payer", "succeeded/payer"]);
      expect(await run.counter("payer_queries_total")).toBe(0);
      expect(await run.counter("payer_submissions_total", { outcome: "succeeded" })).toBe(1);
      expect(await run.store.sendCount(ref)).toBe(1);
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
    });

    it("a first send parked by a 500 while the reconciler looks: the delayed job it was handed to counts, though the feed entry reads acknowledged", async () => {
      // The reconciler is driven here, one look; the job the send is parked in waits far away.
      const run = await env.start({ sandbox: { random: firstRollsFire(1) }, payer: { reconcile: false, submitWatchdogMs: 1, ...parkedRetry } });
      // The first pay request sits 1 s in the sandbox's latency, then is answered 500 (nothing processed).
      await run.faults({ latencyMs: 1_000, errorRate: 0.5 });
      const ref = await run.submit({ orderNumber: orderNumber("wdpark"), authCode: authCodeEnding(0) });
      await run.waitForStatus(ref, ["submitting"]);
      // The reconciler's read of the feed entry answers only once the send has been parked (its
      // delayed job added, then its entry acknowledged), as a read on a loaded connection can: the
      // chaos run's three `submit_lost` payments. Its read of the job must not be from before that.
      const { feed } = run.payer;
      const entryPending = feed.entryPending.bind(feed);
      let readAfterHandOver = 0;
      feed.entryPending = async (pending) => {
        await waitFor(async () => !(await entryPending(pending)), { timeoutMs: 5_000, message: `the first send of ${pending.orderNumber} to be parked and its entry acknowledged` });
        readAfterHandOver++;
        return entryPending(pending);
      };

      expect(await run.payer.reconciler.tick()).toBe(1);
      expect(readAfterHandOver).toBe(1);
      expect(await run.payer.submitQueue.getJobState(jobIdOf(ref))).toBe("delayed");
      // Left to its job: not queried, not reviewed, nothing charged; the job will send again.
      expect((await run.store.get(ref))?.status).toBe("submitting");
      expect(await run.counter("payer_queries_total")).toBe(0);
      expect(await run.counter("payments_needs_review_total")).toBe(0);
      expect(await run.counter("payer_submissions_total", { outcome: "retryable" })).toBe(1);
      expect(await run.charges(ref.orderNumber)).toBe(0);
    });
  });
});
