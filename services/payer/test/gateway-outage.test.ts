import type { PaymentRef } from "@oceanpos/core/payments";
import { runGatewayOutage, waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { type Running, account, authCodeEnding, fastJobOptions, orderNumber, usePayerEnv } from "./support/payer-env.js";

/**
 * A gateway that fails (5xx, resets, time-outs) is not evidence about a payment: its calls are
 * made again after a short, capped backoff, without using up the submit's attempts or the
 * reconciliation schedule's steps, so that every payment settles soon after the gateway is back.
 * `needs_review` waits for the settlement window (`UNSETTLED_REVIEW_AFTER_MS`), and a payment
 * there is still asked, and leaves it by itself on the gateway's first final answer. Notices go
 * nowhere here: only pay answers and queries move payments.
 */
describe("payer: gateway outage and recovery", () => {
  const env = usePayerEnv();

  /** Test-speed backoff: 100 ms doubling to 400 ms (production: 1 s to 10 s). */
  const quickBackoff = { initialMs: 100, maxMs: 400 };
  /** Short client deadlines: the sandbox's time-out fault holds a call until the client gives up. */
  const shortTimeouts = { payMs: 300, queryMs: 300 };

  const route = (run: Running, ref: PaymentRef) => run.store.get(ref).then((p) => p?.history.map((h) => `${h.status}/${h.source}`));

  async function waitForCount(run: Running, name: string, labels: Record<string, string>, atLeast: number): Promise<void> {
    let seen = 0;
    await waitFor(
      async () => {
        seen = await run.counter(name, labels);
        return seen >= atLeast;
      },
      { timeoutMs: 10_000, message: `${name}${JSON.stringify(labels)} to reach ${atLeast}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it stayed at ${seen}`);
    });
  }

  it("no answer for longer than the submit's attempts would last: none is used, the payment waits in submitting and settles once the gateway answers", async () => {
    const run = await env.start({
      timeouts: shortTimeouts,
      payer: { submitJobOptions: { ...fastJobOptions, attempts: 3 }, outageBackoff: quickBackoff },
    });
    // Every call is processed (the pay takes the charge) and never answered.
    await run.faults({ timeoutRate: 1 });
    const ref = await run.submit({ orderNumber: orderNumber("noans"), authCode: authCodeEnding(0) });
    // Today's code spent its three attempts on the first three of these and went to needs_review.
    await waitForCount(run, "payer_queries_total", { result: "ambiguous" }, 5);
    expect((await run.store.get(ref))?.status).toBe("submitting");

    await run.clearFaults();
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment.status).toBe("succeeded");
    expect(await route(run, ref)).toEqual(["accepted/intake", "submitting/payer", "succeeded/query"]);
    expect(await run.counter("payments_needs_review_total")).toBe(0);
    expect(await run.store.sendCount(ref)).toBe(1); // never resent: every query since the pay went unanswered
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("a pending payment whose notices were dropped and whose queries failed for a while settles within seconds of recovery", async () => {
    // The pay is answered (the first roll); every later call fails with a 500 until the gateway recovers.
    let rolls = 0;
    let recovered = false;
    const run = await env.start({
      sandbox: { pendingMs: 100, random: () => (recovered || rolls++ === 0 ? 0.999_999 : 0) },
      // Three short steps, then a minute: today's code walked a failing payment to the minute.
      payer: { reconcileIntervalsMs: [200, 200, 200, 60_000], outageBackoff: quickBackoff },
    });
    await run.faults({ noticeDrop: true, errorRate: 0.5 });
    const ref = await run.submit({ orderNumber: orderNumber("pnd"), authCode: authCodeEnding(7) });
    await run.waitForStatus(ref, ["pending"]);
    await waitForCount(run, "payer_queries_total", { result: "retryable" }, 3);
    expect((await run.store.get(ref))?.status).toBe("pending"); // charged 100 ms after the pay: only a query can tell

    recovered = true; // notices still dropped
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"], 5_000);
    expect(payment.status).toBe("succeeded");
    expect(await route(run, ref)).toEqual(["accepted/intake", "submitting/payer", "pending/payer", "succeeded/query"]);
    expect(await run.counter("payer_queries_total", { result: "answered" })).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("an outcome still unknown past UNSETTLED_REVIEW_AFTER_MS goes to needs_review with a reason, then leaves it by itself once the gateway answers", async () => {
    const windowMs = 2_000;
    // The review's next query: 200 ms here, never the schedule's slowest step (a minute).
    const run = await env.start({
      timeouts: shortTimeouts,
      payer: { unsettledReviewAfterMs: windowMs, reviewQueryMs: 200, reconcileIntervalsMs: [100, 200, 60_000], outageBackoff: quickBackoff },
    });
    await run.faults({ timeoutRate: 1 });
    const ref = await run.submit({ orderNumber: orderNumber("win"), authCode: authCodeEnding(0) });
    const reviewed = await run.waitForStatus(ref, ["needs_review", "succeeded", "failed"], 10_000);
    expect(reviewed.status).toBe("needs_review");
    const began = Date.parse(reviewed.history.find((h) => h.status === "submitting")?.at ?? "");
    const entry = reviewed.history.at(-1);
    expect(entry).toMatchObject({ status: "needs_review", source: "payer" });
    expect(entry?.reason).toMatch(/^outcome unknown \d+ s after the submit began \(settlement window 2 s\): /);
    expect(Date.parse(entry?.at ?? "") - began).toBeGreaterThanOrEqual(windowMs);
    expect(await run.counter("payments_needs_review_total", { reason: "unsettled" })).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1); // the charge was taken: a person would have had to look

    await run.clearFaults();
    const payment = await run.waitForStatus(ref, ["succeeded", "failed"], 5_000);
    expect(payment.status).toBe("succeeded");
    expect(await route(run, ref)).toEqual(["accepted/intake", "submitting/payer", "needs_review/payer", "succeeded/query"]);
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
    expect(await run.payer.schedule.dueAt(ref)).toBeUndefined();
  });

  it("a needs_review payment the gateway holds pending is asked at the review pace, not the schedule's slowest, and succeeds when the customer confirms", async () => {
    // The customer confirms 2.5 s after the pay: long after the window sent the payment to review.
    const run = await env.start({
      sandbox: { pendingMs: 2_500 },
      timeouts: shortTimeouts,
      payer: { unsettledReviewAfterMs: 1_000, reviewQueryMs: 200, reconcileIntervalsMs: [100, 200, 60_000], outageBackoff: quickBackoff },
    });
    await run.faults({ timeoutRate: 1 });
    const ref = await run.submit({ orderNumber: orderNumber("rvp"), authCode: authCodeEnding(7) });
    expect((await run.waitForStatus(ref, ["needs_review", "pending", "succeeded", "failed"], 10_000)).status).toBe("needs_review");
    await run.clearFaults();
    // Answered "pending" at least twice while in review: past the schedule's short steps.
    await waitForCount(run, "payer_queries_total", { result: "answered" }, 2);
    expect((await run.store.get(ref))?.status).toBe("needs_review");

    const payment = await run.waitForStatus(ref, ["succeeded", "failed"], 5_000);
    expect(payment.status).toBe("succeeded");
    expect(await route(run, ref)).toEqual(["accepted/intake", "submitting/payer", "needs_review/payer", "succeeded/query"]);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  // The run is a minute of failures; the suite's is 12 s (OUTAGE_FAILING_MS for a longer one).
  const failingMs = Number(process.env.OUTAGE_FAILING_MS ?? 12_000);

  it(
    "30 % of gateway calls failing for a while, then healthy: every payment final, one charge per success, none in needs_review",
    { timeout: failingMs + 60_000 },
    async ({ annotate }) => {
      // Production backoff, schedule and settlement window. An answer budget of two runs: today's
      // code spent it on calls that got no answer (its eight runs lasted 80 s; this outage is shorter).
      const run = await env.start({
        sandbox: { pendingMs: 300 },
        timeouts: { payMs: 500, queryMs: 500 },
        payer: { submitJobOptions: { ...fastJobOptions, attempts: 2 }, reconcileIntervalsMs: undefined, outageBackoff: {} },
      });
      const result = await runGatewayOutage(
        {
          setFaults: (update) => run.faults(update),
          clearFaults: () => run.clearFaults(),
          createPayment: async (i, digit) => (await run.submit({ orderNumber: orderNumber(`o${i}x`), authCode: authCodeEnding(digit) })).orderNumber,
          payment: (number) => run.store.get({ account, orderNumber: number }),
          charges: (number) => run.charges(number),
        },
        { failingMs, payments: 90, settleTimeoutMs: 45_000 },
      );
      await annotate(`${result.secondsToLastSettlement?.toFixed(1) ?? "—"} s from recovery to the last settlement`);
      expect(result.problems).toEqual([]);
      expect(result.payments).toHaveLength(90);
      expect(result.payments.filter((p) => p.status === "failed")).toHaveLength(10); // digit 8: declined
      expect(await run.counter("payments_needs_review_total")).toBe(0);
      // The outage was real: calls failed in every way while payments were being made.
      for (const result of ["retryable", "ambiguous"]) expect(await run.counter("payer_submissions_total", { outcome: result })).toBeGreaterThan(0);
    },
  );
});
