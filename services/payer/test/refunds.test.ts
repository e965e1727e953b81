import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type StartOptions, firstRollsFire, usePayerEnv } from "./support/payer-env.js";
import { refundTools } from "./support/refund-env.js";

const final = ["succeeded", "failed", "needs_review"] as const;

describe("payer: refunds", () => {
  const env = usePayerEnv();
  const closeAfter: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closeAfter.splice(0)) await close();
  });

  async function start(options: StartOptions = {}) {
    const run = await env.start({ ...options, sandbox: { refundMs: 100, ...options.sandbox } });
    return { run, tools: refundTools(env, run) };
  }

  it("a full refund is filed once (refund_type 1), pending, then succeeded by query: the payment shows it refunded", async () => {
    const { run, tools } = await start();
    const payment = await tools.paid("rfull");
    const ref = await tools.refund(payment, "R-full", "12.50", "damaged");
    const refund = await tools.waitForRefund(ref, final);
    expect(refund).toMatchObject({ status: "succeeded", refundId: expect.stringMatching(/^\d+$/) });
    expect(refund.history.map((h) => h.status)).toEqual(["accepted", "submitting", "pending", "succeeded"]);
    expect(await tools.events(ref)).toEqual(["refund.accepted", "refund.submitting", "refund.pending", "refund.succeeded"]);
    const ledger = await tools.ledger(payment.orderNumber);
    expect(ledger).toMatchObject({ charged: "12.50", refunded: "12.50", refundPending: "0.00" });
    expect(ledger.refunds).toEqual([expect.objectContaining({ refundNumber: "R-full", refundType: "1", amount: "12.50", refundId: refund.refundId })]);
    expect(await run.store.get(payment)).toMatchObject({ refundedAmount: "12.50", refundableAmount: "0.00" });
    expect(await run.counter("payer_refunds_total", { outcome: "accepted" })).toBe(1);
    expect(await run.counter("payer_refund_queries_total", { via: "refund_query", result: "answered" })).toBeGreaterThanOrEqual(1);
    expect(await run.counter("payer_refund_feed_total", { result: "sent" })).toBe(1);
  });

  it("partial refunds, several on one payment, each filed once; the payment's refunded amount is their sum", async () => {
    const { run, tools } = await start();
    const payment = await tools.paid("rpart", "20.00");
    const refs = [await tools.refund(payment, "R-1", "5.00"), await tools.refund(payment, "R-2", "2.50"), await tools.refund(payment, "R-3", "0.01")];
    for (const ref of refs) expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    for (const ref of refs) expect(await tools.filed(ref)).toBe(1);
    const ledger = await tools.ledger(payment.orderNumber);
    expect(ledger).toMatchObject({ charged: "20.00", refunded: "7.51" });
    expect(await run.store.get(payment)).toMatchObject({ refundedAmount: "7.51", refundableAmount: "12.49" });
  });

  it("time-out after applyRefund was filed: settled by the payment's refundList, never resubmitted", async () => {
    const { run, tools } = await start({ sandbox: { random: firstRollsFire(1) }, timeouts: { payMs: 300 } });
    const payment = await tools.paid("rto");
    await run.faults({ timeoutRate: 0.5 });
    const ref = await tools.refund(payment, "R-to", "4.00");
    const refund = await tools.waitForRefund(ref, final);
    expect(refund.status).toBe("succeeded");
    // The step after submitting (pending or, once paid out, succeeded) came from the query, not the lost answer.
    expect(refund.history[2]?.source).toBe("query");
    expect(await run.counter("payer_refunds_total", { outcome: "ambiguous" })).toBe(1);
    expect(await run.counter("payer_refund_queries_total", { via: "payment_query", result: "answered" })).toBeGreaterThanOrEqual(1);
    expect(await tools.refunds.sendCount(ref)).toBe(1);
    expect(await tools.filed(ref)).toBe(1);
  });

  it("connection reset after filing: settled by query, filed once", async () => {
    const { run, tools } = await start({ sandbox: { random: firstRollsFire(1) } });
    const payment = await tools.paid("rrst");
    await run.faults({ resetAfterChargeRate: 0.5 });
    const ref = await tools.refund(payment, "R-rst", "1.00");
    expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    expect(await tools.refunds.sendCount(ref)).toBe(1);
    expect(await tools.filed(ref)).toBe(1);
  });

  it("a 5xx before filing (maybe filed, for money out): the refundList shows nothing, so it is sent again once its first request can no longer land", async () => {
    const { run, tools } = await start({ sandbox: { random: firstRollsFire(1) }, timeouts: { payMs: 300 } });
    const payment = await tools.paid("r5xx");
    await run.faults({ errorRate: 0.5 });
    const ref = await tools.refund(payment, "R-5xx", "3.00");
    expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    expect(await run.counter("payer_refunds_total", { outcome: "ambiguous" })).toBe(1);
    expect(await tools.refunds.sendCount(ref)).toBe(2);
    expect(await tools.filed(ref)).toBe(1);
  });

  it("an applyRefund answer that cannot be read (filed, then an HTML page came back): settled by query, filed once", async () => {
    // A real loopback proxy in front of the sandbox's query host: the first applyRefund is filed there, its answer replaced.
    let garble = 1;
    let sandboxUrl = "";
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        void fetch(`${sandboxUrl}${req.url ?? ""}`, { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: Buffer.concat(chunks) }).then(async (answer) => {
          const body = await answer.text();
          const replace = req.url === "/service/applyRefund" && garble-- > 0;
          res.writeHead(answer.status, { "content-type": replace ? "text/html" : (answer.headers.get("content-type") ?? "") });
          res.end(replace ? "<html><body>Service busy</body></html>" : body);
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    closeAfter.push(() => new Promise((resolve) => {
      proxy.close(() => resolve());
      proxy.closeAllConnections();
    }));
    const { run, tools } = await start({ queryUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    sandboxUrl = run.sandboxUrl;
    const payment = await tools.paid("rhtml");
    const ref = await tools.refund(payment, "R-html", "2.25");
    expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    expect(await run.counter("payer_refunds_total", { outcome: "ambiguous" })).toBe(1);
    expect(await tools.refunds.sendCount(ref)).toBe(1);
    expect(await tools.filed(ref)).toBe(1);
  });

  it("an answer that cannot be read (bad signatures everywhere, the queryRefund answer used on its other checks): filed once, settled", async () => {
    const { run, tools } = await start();
    const payment = await tools.paid("rsig");
    await run.faults({ badSignatureRate: 1 });
    const ref = await tools.refund(payment, "R-sig", "2.00");
    expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    expect(await tools.filed(ref)).toBe(1);
  });

  it("insufficient balance keeps the refund pending (queried, never failed on a guess); it succeeds once the balance is back", async () => {
    const { run, tools } = await start();
    const payment = await tools.paid("rbal");
    await tools.balance(false);
    const ref = await tools.refund(payment, "R-bal", "6.00");
    await tools.waitForRefund(ref, ["pending"]);
    // Several reconciliation queries answer pending meanwhile.
    const queried = () => run.counter("payer_refund_queries_total", { via: "refund_query", result: "answered" });
    await expect.poll(queried, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    expect((await tools.refunds.get(ref))?.status).toBe("pending");
    await tools.balance(true);
    expect((await tools.waitForRefund(ref, final)).status).toBe("succeeded");
    expect(await tools.filed(ref)).toBe(1);
  });

  it("the gateway fails a refund (after waiting for funds): refund.failed, and the payment's refundable amount is restored", async () => {
    const { run, tools } = await start();
    const payment = await tools.paid("rfail");
    await tools.balance(false);
    const ref = await tools.refund(payment, "R-fail", "12.50");
    const pending = await tools.waitForRefund(ref, ["pending"]);
    expect(await run.store.get(payment)).toMatchObject({ refundableAmount: "0.00" });
    const res = await fetch(`${run.sandboxUrl}/sandbox/refunds/${pending.refundId}/fail`, { method: "POST" });
    expect(res.status).toBe(200);
    const refund = await tools.waitForRefund(ref, final);
    expect(refund).toMatchObject({ status: "failed", gateway: { code: "80103" } });
    expect(await tools.events(ref)).toEqual(["refund.accepted", "refund.submitting", "refund.pending", "refund.failed"]);
    expect(await run.store.get(payment)).toMatchObject({ refundedAmount: "0.00", refundableAmount: "12.50" });
  });

  it("Oceanpayment's window passes with the refund still pending: one last query, then needs_review (never a guess)", async () => {
    const { run, tools } = await start({ payer: { refundReviewAfterMs: 1_500, refundReconcileIntervalsMs: [100, 10_000] } });
    const payment = await tools.paid("rwin");
    await tools.balance(false);
    const ref = await tools.refund(payment, "R-win", "1.50");
    const refund = await tools.waitForRefund(ref, final, 6_000);
    expect(refund.status).toBe("needs_review");
    expect(refund.history.at(-1)?.reason).toMatch(/^outcome unknown \d+ s after the submit began \(settlement window 2 s\): the gateway still holds it pending$/);
    expect(await run.counter("refunds_needs_review_total", { reason: "refund_window" })).toBe(1);
    expect(await tools.events(ref)).toContain("refund.needs_review");
    // The gateway's later answer still settles it (asked now rather than at the schedule's 10 s step).
    await tools.balance(true);
    await expect.poll(async () => (await tools.ledger(payment.orderNumber)).refunded, { timeout: 5_000 }).toBe("1.50");
    await run.payer.refundSchedule.scheduleAt(ref, Date.now());
    expect((await tools.waitForRefund(ref, ["succeeded", "failed"])).status).toBe("succeeded");
    expect(await tools.filed(ref)).toBe(1);
  });
});

describe("payer: refunds while the query host does not answer", () => {
  const env = usePayerEnv();

  it("applyRefund never reaches the gateway: the run parks (no attempt used) until the settlement window runs out, then needs_review — never failed, never filed", async () => {
    const run = await env.start({
      queryUrl: `http://127.0.0.1:${await freePort()}`,
      payer: { unsettledReviewAfterMs: 1_000, outageBackoff: { initialMs: 50, maxMs: 200 } },
    });
    const tools = refundTools(env, run);
    const payment = await tools.paid("rdown");
    const ref = await tools.refund(payment, "R-down", "3.00");
    const refund = await tools.waitForRefund(ref, final);
    expect(refund.status).toBe("needs_review");
    expect(refund.history.at(-1)?.reason).toMatch(/^outcome unknown \d+ s after the submit began \(settlement window 1 s\): gateway_retryable: (refund|query): request not sent/);
    // Counted before it was sent, the first request makes every later run ask first: asked, never resent.
    expect(await run.counter("payer_refunds_total", { outcome: "retryable" })).toBe(1);
    expect(await run.counter("payer_refund_queries_total", { via: "payment_query", result: "retryable" })).toBeGreaterThan(3);
    expect(await run.counter("payer_retries_total")).toBeGreaterThan(3);
    expect(await run.counter("refunds_needs_review_total", { reason: "unsettled" })).toBe(1);
    expect(await tools.filed(ref)).toBe(0);
    // Its amount still counts against the payment while a person looks.
    expect(await run.store.get(payment)).toMatchObject({ refundableAmount: "9.50" });
  });
});
