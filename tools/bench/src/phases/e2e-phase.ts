import { redisKeys } from "@oceanpos/core/redis";
import { Redis } from "ioredis";
import { runClosedLoop, runOpenLoop } from "../open-loop.js";
import { merchantScan, orderNumberFactory } from "../payments.js";
import { type LatencySummary, ratePerSec, round, summarize } from "../stats.js";
import { WebhookReceiver, eventKey } from "../webhook-receiver.js";
import { type BenchContext, type CountedPhase, sleep, storeKey } from "./context.js";
import { sampleLedgerLag } from "./ledger-phase.js";
import { sandboxFaults, subscribe, subscriptionSettleMs, unsubscribe } from "./subscriptions.js";

const headers = { authorization: `Bearer ${storeKey}`, "content-type": "application/json" };

export interface E2eResult extends CountedPhase {
  paymentsPerSec: number;
  burst: LatencySummary & { payments: number; delivered: number; concurrency: number; elapsedMs: number };
  paced: LatencySummary & { ratePerSec: number; payments: number; delivered: number };
  sandboxLatencyMs: number;
  /** The stack's ledger archiving these payments: its lag sampled through the burst and the paced run. */
  ledgerLag: { p99Ms: number; samples: number };
}

/**
 * POST /v1/payments → payer → sandbox (with `latencyMs` added to every gateway call) → succeeded
 * → `payment.succeeded` webhook at a local receiver; latency per payment from its POST to the
 * webhook. A burst of `burstPayments` (throughput), then an open-loop run at a sustainable rate
 * (latency without backlog). The stack's ledger archives every event meanwhile: its lag is sampled
 * from the burst to the end (`ledger.lagP99Ms`).
 */
export async function e2ePhase(
  ctx: BenchContext,
  o: { burstPayments: number; concurrency: number; capMs: number; pacedDurationMs: number; sandboxLatencyMs: number },
): Promise<E2eResult> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const subscription = await subscribe(ctx, receiver.url, ["payment.succeeded"], "bench e2e");
  await sandboxFaults(ctx, { latencyMs: o.sandboxLatencyMs });
  await sleep(subscriptionSettleMs);
  const redis = new Redis(ctx.stack.redis.url, { maxRetriesPerRequest: 1 });
  let lag: ReturnType<typeof sampleLedgerLag> | undefined;
  try {
    // Warm the payer, the sandbox and the delivery worker.
    const warm = orderNumberFactory(ctx.run, "ew");
    const warmKeys: string[] = [];
    await runClosedLoop({ total: 300, concurrency: 16 }, async (i) => {
      await post(ctx, warm(i), i);
      warmKeys.push(eventKey("payment.succeeded", warm(i)));
    });
    await receiver.waitFor(warmKeys, 20_000);

    const order = orderNumberFactory(ctx.run, "e");
    const postedAt = new Map<string, number>();
    lag = sampleLedgerLag(redis, redisKeys("op"));
    const start = performance.now();
    await runClosedLoop({ total: o.burstPayments, concurrency: o.concurrency, durationMs: o.capMs / 2 }, async (i) => {
      postedAt.set(order(i), performance.now());
      await post(ctx, order(i), i);
    });
    const keys = [...postedAt.keys()].map((n) => eventKey("payment.succeeded", n));
    await receiver.waitFor(keys, Math.max(5_000, o.capMs - (performance.now() - start)));
    const burst = receiver.latencies("payment.succeeded", postedAt);
    const elapsed = burst.lastAt - start;
    const paymentsPerSec = ratePerSec(burst.samples.length, elapsed);
    ctx.log(`e2e burst: ${burst.samples.length}/${postedAt.size} delivered, ${paymentsPerSec}/s`);

    // Latency at a rate the pipeline sustains: half the burst throughput, between 50 and 1000/s.
    const rate = Math.round(Math.min(1000, Math.max(50, paymentsPerSec * 0.5)));
    const paced = orderNumberFactory(ctx.run, "ep");
    const dueAt = new Map<string, number>();
    const pacedStart = performance.now();
    await runOpenLoop({
      ratePerSec: rate,
      durationMs: o.pacedDurationMs,
      fire: async (i) => {
        dueAt.set(paced(i), pacedStart + (i * 1000) / rate);
        await post(ctx, paced(i), i);
      },
    });
    await receiver.waitFor([...dueAt.keys()].map((n) => eventKey("payment.succeeded", n)), 20_000);
    const pacedResult = receiver.latencies("payment.succeeded", dueAt);
    const ledgerLag = lag.stop();
    ctx.log(`e2e paced at ${rate}/s: ${pacedResult.samples.length}/${dueAt.size} delivered; the ledger's lag p99 ${ledgerLag.p99Ms} ms`);

    return {
      operations: warmKeys.length + postedAt.size + dueAt.size,
      paymentsPerSec,
      burst: { ...summarize(burst.samples), payments: postedAt.size, delivered: burst.samples.length, concurrency: o.concurrency, elapsedMs: round(elapsed, 0) },
      paced: { ...summarize(pacedResult.samples), ratePerSec: rate, payments: dueAt.size, delivered: pacedResult.samples.length },
      sandboxLatencyMs: o.sandboxLatencyMs,
      ledgerLag,
    };
  } finally {
    lag?.stop();
    redis.disconnect();
    await sandboxFaults(ctx, undefined).catch(() => undefined);
    await unsubscribe(ctx, subscription).catch(() => undefined);
    await receiver.close();
  }
}

async function post(ctx: BenchContext, orderNumber: string, seq: number): Promise<void> {
  const res = await ctx.intake.request({ method: "POST", path: "/v1/payments", headers, body: JSON.stringify(merchantScan(orderNumber, seq)) });
  await res.body.dump();
  if (res.statusCode !== 202) throw new Error(`HTTP ${res.statusCode}`);
}
