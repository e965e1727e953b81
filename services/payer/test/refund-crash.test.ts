import type { ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentStore } from "@oceanpos/core/payments";
import type { RefundRef } from "@oceanpos/core/refunds";
import { buildSandbox } from "@oceanpos/sandbox";
import { waitFor } from "@oceanpos/testing";
import { describe, expect, it } from "vitest";
import { account, paymentDriver, readFeedAs, terminal, usePayerEnv } from "./support/payer-env.js";
import { refundTools } from "./support/refund-env.js";
import { spawnPayer } from "./support/spawn-payer.js";

describe("payer: refunds survive a payer's death", () => {
  const env = usePayerEnv();

  it("a dead payer's applyRefund (filed, answer lost with the payer): its feed entry is claimed, the gateway asked, never filed again", async () => {
    const run = await env.start({ payer: { feedClaimIdleMs: 1_000 }, sandbox: { refundMs: 100 } });
    const tools = refundTools(env, run);
    const payment = await tools.paid("rdead");
    await run.payer.close(); // the payer that will have died
    const ref = await tools.refund(payment, "R-dead", "7.00");
    expect(await readFeedAs(env.redis.client(), env.redis.prefix, "dead-payer", false, "refundFeed")).toBe(1);
    // What that payer did before it died: moved it, counted the send, filed it at the gateway.
    await tools.refunds.transition(ref, { to: "submitting", source: "payer" });
    expect(await tools.refunds.recordSend(ref)).toEqual({ recorded: true, sends: 1 });
    const paymentId = (await run.store.get(payment))?.paymentId ?? "";
    const client = new OceanpaymentClient({ gatewayUrl: run.sandboxUrl, queryUrl: run.sandboxUrl });
    const filed = await client.refund({ credentials: { account, terminal, secureCode: "12345678" }, paymentId, refundNumber: "R-dead", refundType: "full", amount: "7.00" });
    await client.close();
    expect(filed.kind).toBe("accepted");

    const other = await run.startAnother();
    const refund = await tools.waitForRefund(ref, ["succeeded", "failed", "needs_review"]);
    expect(refund).toMatchObject({ status: "succeeded", refundId: filed.kind === "accepted" ? filed.refundId : "" });
    expect(refund.history.slice(2).every((h) => h.source === "query")).toBe(true);
    await waitFor(async () => !(await other.refundFeed.entryPending(ref)), { timeoutMs: 5_000, message: "the claimed refund feed entry to be acknowledged" });
    expect((await other.metrics.refunds.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
    expect(await tools.refunds.sendCount(ref)).toBe(1);
    expect(await tools.filed(ref)).toBe(1);
  });

  it("SIGKILL of a payer process mid-batch of refunds: after a restart every refund is final and each was filed exactly once", async () => {
    const sandbox = buildSandbox({ credentials: env.stores, pendingMs: 100, refundMs: 200, noticeRetryDelaysMs: [0] });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    const sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    const children: ChildProcess[] = [];
    const settings = { REFUND_RECONCILE_SCHEDULE_MS: "100,200,400", OCEANPAYMENT_PAY_TIMEOUT_MS: "2000" };
    try {
      const first = await spawnPayer(sandboxUrl, env.redis.url, env.redis.prefix, settings);
      children.push(first.child);
      const tools = refundTools(env, { sandboxUrl, ...paymentDriver(new PaymentStore({ redis: env.redis.client(), keyPrefix: env.redis.prefix })) });
      // 30 charged payments, 3 refunds each (full, or partial ones adding up to less than the charge).
      const payments = await Promise.all(Array.from({ length: 30 }, (_, i) => tools.paid(`rk${i}`, "9.00")));
      sandbox.faults.set({ latencyMs: 300 });
      const refs: RefundRef[] = [];
      for (const [i, payment] of payments.entries()) {
        const amounts = i % 3 === 0 ? ["9.00"] : ["1.00", "2.00", "3.00"];
        for (const [j, amount] of amounts.entries()) refs.push(await tools.refund(payment, `R${i}-${j}`, amount));
      }
      const statuses = async () => (await Promise.all(refs.map((ref) => tools.refunds.get(ref)))).map((r) => r?.status ?? "missing");
      await waitFor(
        async () => {
          first.child.kill("SIGSTOP");
          const now = await statuses();
          const ready = now.includes("submitting") && now.some((s) => s === "pending" || s === "succeeded");
          if (!ready) first.child.kill("SIGCONT");
          return ready;
        },
        { timeoutMs: 15_000, message: "refunds filed and others in flight before the kill" },
      );
      first.child.kill("SIGKILL");
      await first.exited;
      expect((await statuses()).filter((s) => s === "submitting").length, "refunds in flight at the kill").toBeGreaterThan(0);

      const second = await spawnPayer(sandboxUrl, env.redis.url, env.redis.prefix, settings);
      children.push(second.child);
      await waitFor(async () => (await statuses()).every((s) => s === "succeeded"), { timeoutMs: 30_000, intervalMs: 100, message: "every refund succeeded after the restart" });
      for (const ref of refs) expect(await tools.filed(ref), `filings of ${ref.refundNumber}`).toBe(1);
      for (const payment of payments) {
        const ledger = await tools.ledger(payment.orderNumber);
        expect(Number(ledger.refunded), `refunded on ${payment.orderNumber}`).toBeLessThanOrEqual(Number(ledger.charged));
      }
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(143);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await sandbox.close();
    }
  }, 90_000);
});
