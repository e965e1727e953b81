import { benchRefundMs } from "../bench-stack.js";
import { runClosedLoop, runOpenLoop } from "../open-loop.js";
import { type PaymentBody, merchantScan, orderNumberFactory } from "../payments.js";
import { type LatencySummary, ratePerSec, round, summarize } from "../stats.js";
import { WebhookReceiver, eventKey } from "../webhook-receiver.js";
import { type BenchContext, type CountedPhase, sleep, storeKey } from "./context.js";
import { sandboxFaults, subscribe, subscriptionSettleMs, unsubscribe } from "./subscriptions.js";

const headers = { authorization: `Bearer ${storeKey}`, "content-type": "application/json" };

export interface RefundsOptions {
  /** Refunds created as fast as `concurrency` connections allow: the throughput figure. */
  burstRefunds: number;
  concurrency: number;
  capMs: number;
  pacedDurationMs: number;
  /** The paced run's rate is half the burst's throughput, capped at this. */
  maxPacedRate: number;
  /** Added to every gateway call (applyRefund included), as in the e2e phase. */
  sandboxLatencyMs: number;
}

export interface RefundsResult extends CountedPhase {
  refundsPerSec: number;
  seeded: { payments: number; succeeded: number; ms: number };
  burst: LatencySummary & { refunds: number; delivered: number; postErrors: number; concurrency: number; elapsedMs: number; cpuMsPerRefund: number; coresUsed: number };
  paced: LatencySummary & { ratePerSec: number; refunds: number; delivered: number; postErrors: number };
  sandboxLatencyMs: number;
  sandboxRefundMs: number;
}

/** The refunds figures, with the issue's target (report.ts shows them with the others). */
export interface RefundsFigures {
  "refunds.perSec": number;
  "refunds.p99Ms": number;
}

export const refundsTargets = { "refunds.perSec": { op: ">=", value: 500 } } as const;

/** NaN (not measured) when the phase did not run or failed. */
export function refundsFigures(r: RefundsResult | undefined): RefundsFigures {
  return { "refunds.perSec": r?.refundsPerSec ?? Number.NaN, "refunds.p99Ms": r?.paced.p99Ms ?? Number.NaN };
}

export function refundsNotes(r: RefundsResult): Partial<Record<keyof RefundsFigures, string>> {
  return {
    "refunds.perSec": `refund POST → refund.succeeded webhook, ${r.burst.delivered}/${r.burst.refunds} of a burst at ${r.burst.concurrency} connections; ${r.burst.cpuMsPerRefund} ms of CPU a refund, ${r.burst.coresUsed} cores busy`,
    "refunds.p99Ms": `paced at ${r.paced.ratePerSec}/s (burst p99 ${r.burst.p99Ms} ms); sandbox pays out ${r.sandboxRefundMs} ms after applyRefund`,
  };
}

/** Payments made and succeeded for the refunds phase, and the receiver that saw them succeed. */
export interface RefundablePayments {
  receiver: WebhookReceiver;
  subscription: string;
  payments: PaymentBody[];
  seeded: RefundsResult["seeded"];
}

const warmCount = 200;
const pacedMax = (o: RefundsOptions) => Math.ceil((o.maxPacedRate * o.pacedDurationMs) / 1000);

/**
 * The refunds phase's payments, measured apart (their CPU is not the refunds'): enough for the
 * warm-up, the burst and the paced run at its highest rate, made in batches of 500 through the
 * whole stack (the sandbox approves them at once) and each awaited by its `payment.succeeded`
 * webhook (bounded by `capMs`); only those that succeeded are kept. The receiver is subscribed to
 * `refund.succeeded` too, and is closed by `refundsPhase`.
 */
export async function seedRefundablePayments(ctx: BenchContext, o: RefundsOptions): Promise<RefundablePayments> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  let subscription: string | undefined;
  try {
    subscription = await subscribe(ctx, receiver.url, ["payment.succeeded", "refund.succeeded"], "bench refunds");
    await sandboxFaults(ctx, { latencyMs: o.sandboxLatencyMs });
    await sleep(subscriptionSettleMs);
    const count = warmCount + o.burstRefunds + pacedMax(o);
    const started = performance.now();
    const order = orderNumberFactory(ctx.run, "rs");
    const payments = Array.from({ length: count }, (_, i) => merchantScan(order(i), i));
    const size = 500;
    await runClosedLoop({ total: Math.ceil(count / size), concurrency: 4 }, async (b) => {
      const body = JSON.stringify({ payments: payments.slice(b * size, (b + 1) * size) });
      const res = await ctx.intake.request({ method: "POST", path: "/v1/payments/batch", headers, body });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`POST /v1/payments/batch: HTTP ${res.statusCode}`);
    });
    await receiver.waitFor(payments.map((p) => eventKey("payment.succeeded", p.orderNumber)), o.capMs);
    const succeeded = payments.filter((p) => receiver.firstSeen.has(eventKey("payment.succeeded", p.orderNumber)));
    const seeded = { payments: count, succeeded: succeeded.length, ms: Math.round(performance.now() - started) };
    ctx.log(`refunds: ${seeded.succeeded}/${seeded.payments} payments succeeded in ${seeded.ms} ms`);
    return { receiver, subscription, payments: succeeded, seeded };
  } catch (err) {
    await closeRefunds(ctx, receiver, subscription);
    throw err;
  }
}

/**
 * Full refunds of the seeded payments: POST /v1/payments/{orderNumber}/refunds → payer
 * (applyRefund, `pending`) → the sandbox pays out `benchRefundMs` later and sends the refund
 * notice → notifier (`succeeded`) → `refund.succeeded` webhook at the local receiver; latency per
 * refund from its POST to the webhook. A burst (throughput), then an open-loop run at a
 * sustainable rate (latency without backlog), one refund per payment.
 */
export async function refundsPhase(ctx: BenchContext, seed: RefundablePayments, o: RefundsOptions): Promise<RefundsResult> {
  const { receiver, seeded } = seed;
  const refundable = [...seed.payments];
  try {
    const take = (n: number) => refundable.splice(0, Math.min(n, refundable.length));

    // Warm the refund route, the payer's refund worker and the notifier's refund notices.
    const warm = take(warmCount);
    await runClosedLoop({ total: warm.length, concurrency: 16 }, (i) => refund(ctx, warm[i] as PaymentBody));
    await receiver.waitFor(warm.map((p) => eventKey("refund.succeeded", p.orderNumber)), 20_000);

    const burstPayments = take(o.burstRefunds);
    const postedAt = new Map<string, number>();
    const cpuBefore = ctx.cpuMs();
    const start = performance.now();
    const burstRun = await runClosedLoop({ total: burstPayments.length, concurrency: o.concurrency, durationMs: o.capMs / 2 }, async (i) => {
      const p = burstPayments[i] as PaymentBody;
      postedAt.set(p.orderNumber, performance.now());
      await refund(ctx, p);
    });
    const keys = [...postedAt.keys()].map((n) => eventKey("refund.succeeded", n));
    await receiver.waitFor(keys, Math.max(5_000, o.capMs - (performance.now() - start)));
    const burst = receiver.latencies("refund.succeeded", postedAt);
    const elapsed = burst.lastAt - start;
    const refundsPerSec = ratePerSec(burst.samples.length, elapsed);
    // Whether the burst was bound by the cores (about 2 busy) or by something waiting, and who spent them.
    const cpuAfter = ctx.cpuMs();
    const perRefund = Object.entries(cpuAfter).map(([n, ms]) => [n, (ms - (cpuBefore[n] ?? 0)) / Math.max(1, burst.samples.length)] as const);
    const burstCpuMs = Object.entries(cpuAfter).reduce((sum, [n, ms]) => sum + ms - (cpuBefore[n] ?? 0), 0);
    const coresUsed = round(burstCpuMs / (performance.now() - start), 2);
    const cpuMsPerRefund = round(burstCpuMs / Math.max(1, burst.samples.length), 3);
    ctx.log(`refunds burst: ${burst.samples.length}/${postedAt.size} delivered (${burstRun.errors} POSTs failed), ${refundsPerSec}/s, ${cpuMsPerRefund} ms of CPU a refund (${perRefund.map(([n, ms]) => `${n} ${round(ms, 3)}`).join(", ")}), ${coresUsed} cores busy`);

    // Latency at a rate the pipeline sustains: half the burst throughput, between 20/s and maxPacedRate.
    const pacedPayments = take(pacedMax(o));
    const rate = Math.round(Math.min(o.maxPacedRate, Math.max(20, refundsPerSec * 0.5)));
    const dueAt = new Map<string, number>();
    const pacedStart = performance.now();
    const pacedRun = await runOpenLoop({
      ratePerSec: rate,
      durationMs: Math.min(o.pacedDurationMs, (pacedPayments.length * 1000) / rate),
      fire: async (i) => {
        const p = pacedPayments[i];
        if (!p) return;
        dueAt.set(p.orderNumber, pacedStart + (i * 1000) / rate);
        await refund(ctx, p);
      },
    });
    await receiver.waitFor([...dueAt.keys()].map((n) => eventKey("refund.succeeded", n)), 20_000);
    const paced = receiver.latencies("refund.succeeded", dueAt);
    ctx.log(`refunds paced at ${rate}/s: ${paced.samples.length}/${dueAt.size} delivered (${pacedRun.errors} POSTs failed)`);

    return {
      operations: warm.length + postedAt.size + dueAt.size,
      refundsPerSec,
      seeded,
      burst: { ...summarize(burst.samples), refunds: postedAt.size, delivered: burst.samples.length, postErrors: burstRun.errors, concurrency: o.concurrency, elapsedMs: round(elapsed, 0), cpuMsPerRefund, coresUsed },
      paced: { ...summarize(paced.samples), ratePerSec: rate, refunds: dueAt.size, delivered: paced.samples.length, postErrors: pacedRun.errors },
      sandboxLatencyMs: o.sandboxLatencyMs,
      sandboxRefundMs: benchRefundMs,
    };
  } finally {
    await closeRefunds(ctx, receiver, seed.subscription);
  }
}

async function closeRefunds(ctx: BenchContext, receiver: WebhookReceiver, subscription: string | undefined): Promise<void> {
  await sandboxFaults(ctx, undefined).catch(() => undefined);
  if (subscription !== undefined) await unsubscribe(ctx, subscription).catch(() => undefined);
  await receiver.close();
}

/** A full refund of `payment` (refundNumber R1: one refund per payment). */
async function refund(ctx: BenchContext, payment: PaymentBody): Promise<void> {
  const body = JSON.stringify({ refundNumber: "R1", amount: payment.amount });
  const res = await ctx.intake.request({ method: "POST", path: `/v1/payments/${payment.orderNumber}/refunds`, headers, body });
  await res.body.dump();
  if (res.statusCode !== 202) throw new Error(`POST refund: HTTP ${res.statusCode}`);
}
