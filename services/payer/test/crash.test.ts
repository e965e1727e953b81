import type { ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import { type PaymentRef, PaymentStore, isFinal } from "@oceanpos/core/payments";
import { buildSandbox } from "@oceanpos/sandbox";
import { waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { account, authCodeEnding, newPayment, orderNumber, readFeedAs, sendAsDeadPayer, usePayerEnv } from "./support/payer-env.js";
import { spawnPayer } from "./support/spawn-payer.js";

describe("payer: crash safety", () => {
  const env = usePayerEnv();

  /**
   * Starts a payer after another one read a payment's feed entry, moved it to submitting, maybe
   * sent it, and died holding the entry.
   */
  async function afterDeadPayer(tag: string, authCode: string, send: boolean) {
    const ref = { account, orderNumber: orderNumber(tag) };
    let paymentId: string | undefined;
    const run = await env.start({
      payer: { feedClaimIdleMs: 1_000 },
      setup: async (ctx) => {
        await ctx.store.create({ ...ref, payment: newPayment(ref), requestHash: "h", authCode });
        expect(await readFeedAs(env.redis.client(), env.redis.prefix, "dead-payer", false)).toBe(1);
        await ctx.store.transition(ref, { to: "submitting", source: "payer" });
        if (send) paymentId = await sendAsDeadPayer(ctx, ref, authCode);
      },
    });
    return { run, ref, paymentId };
  }

  it("a dead payer's first send (crash after the send): its feed entry is claimed, the payment queried first and never resent", async () => {
    const { run, ref, paymentId } = await afterDeadPayer("res", authCodeEnding(0), true);
    const payment = await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"]);
    expect(payment).toMatchObject({ status: "succeeded", paymentId });
    expect(payment.history.at(-1)?.source).toBe("query");
    // The run that claimed the entry acknowledges it once the payment is recorded.
    await waitFor(async () => (await run.counter("payer_submit_feed_total", { result: "sent" })) === 1, {
      timeoutMs: 5_000,
      message: "the claimed feed entry to be run and acknowledged",
    });
    expect(await run.payer.feed.entryPending(ref)).toBe(false);
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.counter("payer_submissions_total")).toBe(0);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("a dead payer's first send that never reached the gateway: claimed, queried, then sent once", async () => {
    const { run, ref } = await afterDeadPayer("res0", authCodeEnding(4), false);
    expect((await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"])).status).toBe("succeeded");
    expect(await run.counter("payer_queries_total", { result: "answered" })).toBeGreaterThanOrEqual(1);
    expect(await run.store.sendCount(ref)).toBe(1);
    expect(await run.charges(ref.orderNumber)).toBe(1);
  });

  it("two payers side by side share the queue and the reconciliation schedule without double work", async () => {
    const run = await env.start({ sandbox: { pendingMs: 100 } });
    const other = await run.startAnother();
    const refs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => run.submit({ orderNumber: orderNumber(`two${i}`), authCode: authCodeEnding(i % 2 === 0 ? 7 : i % 7) })),
    );
    for (const ref of refs) {
      expect((await run.waitForStatus(ref, ["succeeded", "failed", "needs_review"])).status).toBe("succeeded");
      expect(await run.charges(ref.orderNumber)).toBe(1);
      expect(await run.store.sendCount(ref)).toBe(1);
    }
    // Exactly one pay request per payment across both payers (whichever ran it).
    const sent = async (metrics: typeof other.metrics) => (await metrics.submissions.get()).values.reduce((n, v) => n + v.value, 0);
    expect((await sent(run.payer.metrics)) + (await sent(other.metrics))).toBe(40);
  });

  it("SIGKILL of a payer process mid-batch: after a restart every payment is final and nothing is charged twice", async () => {
    const stores = env.stores;
    const sandbox = buildSandbox({ credentials: stores, pendingMs: 200, noticeRetryDelaysMs: [0] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    // Slow enough that a kill lands on requests in flight even when the test's polls run late.
    sandbox.faults.set({ latencyMs: 300 });
    const redis = env.redis.client();
    const store = new PaymentStore({ redis, keyPrefix: env.redis.prefix });
    const children: ChildProcess[] = [];
    try {
      const digits = Array.from({ length: 200 }, (_, i) => (i % 10 === 8 ? 8 : i % 10 === 7 ? 7 : i % 7));
      const refs: PaymentRef[] = digits.map((_, i) => ({ account, orderNumber: orderNumber(`k${i}`) }));
      // Created as intake does: each with its submit feed entry, which the payers read.
      await store.createMany(
        refs.map((ref, i) => ({ ...ref, payment: newPayment(ref), requestHash: `h${i}`, authCode: authCodeEnding(digits[i] as number) })),
      );
      const statuses = async () => (await Promise.all(refs.map((ref) => store.get(ref)))).map((p) => p?.status ?? "missing");

      const first = await spawnPayer(sandboxUrl, env.redis.url, env.redis.prefix);
      children.push(first.child);
      // Frozen (SIGSTOP) while its payments are read, so that the kill lands on the state seen:
      // a loaded machine could otherwise finish every send in flight between the read and the kill.
      await waitFor(
        async () => {
          first.child.kill("SIGSTOP");
          const now = await statuses();
          const ready = now.filter((s) => isFinal(s as never)).length >= 40 && now.includes("submitting");
          if (!ready) first.child.kill("SIGCONT");
          return ready;
        },
        { timeoutMs: 15_000, message: "40 payments final and others in flight before the kill" },
      );
      first.child.kill("SIGKILL");
      await first.exited;
      const atKill = await statuses();
      expect(atKill.filter((s) => s === "submitting").length, "payments in flight at the kill").toBeGreaterThan(0);
      expect(atKill.filter((s) => isFinal(s as never)).length, "payments left to the restarted payer").toBeLessThan(200);

      const second = await spawnPayer(sandboxUrl, env.redis.url, env.redis.prefix);
      children.push(second.child);
      await waitFor(async () => (await statuses()).every((s) => isFinal(s as never)), {
        timeoutMs: 25_000,
        intervalMs: 100,
        message: "every payment final after the restart",
      });
      const finalStatuses = await statuses();
      const ledger = (await (await fetch(`${sandboxUrl}/sandbox/ledger`)).json()) as { orders: Array<{ orderNumber: string; charges: number }> };
      const charges = new Map(ledger.orders.map((o) => [o.orderNumber, o.charges]));
      expect(ledger.orders.filter((o) => o.charges > 1)).toEqual([]);
      refs.forEach((ref, i) => {
        const expected = digits[i] === 8 ? "failed" : "succeeded";
        expect(finalStatuses[i], `status of ${ref.orderNumber} (digit ${digits[i]})`).toBe(expected);
        expect(charges.get(ref.orderNumber) ?? 0, `charges of ${ref.orderNumber}`).toBe(expected === "succeeded" ? 1 : 0);
      });

      // Graceful stop: SIGTERM lets active jobs finish and exits with 128 + 15.
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(143);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await sandbox.close();
    }
  }, 60_000);
});
