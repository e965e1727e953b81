import { runClosedLoop, runOpenLoop } from "../open-loop.js";
import { merchantScan, orderNumberFactory } from "../payments.js";
import { type LatencySummary, ratePerSec, summarize } from "../stats.js";
import { type BenchContext, type CountedPhase, storeKey } from "./context.js";

const headers = { authorization: `Bearer ${storeKey}`, "content-type": "application/json" };

export interface IntakeResult extends CountedPhase {
  reqPerSec: number;
  closedLoop: LatencySummary & { concurrency: number; sent: number; errors: number; statuses: Record<string, number> };
  openLoop: LatencySummary & { ratePerSec: number; sent: number; errors: number; maxSendLagMs: number; statuses: Record<string, number> };
}

/** One POST /v1/payments; throws unless 202, so errors are counted. */
async function postOne(ctx: BenchContext, orderNumber: string, seq: number, statuses: Record<string, number>): Promise<void> {
  const res = await ctx.intake.request({ method: "POST", path: "/v1/payments", headers, body: JSON.stringify(merchantScan(orderNumber, seq)) });
  await res.body.dump();
  statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
  if (res.statusCode !== 202) throw new Error(`HTTP ${res.statusCode}`);
}

/**
 * Single-payment POSTs: closed loop at max throughput (`concurrency` connections for
 * `durationMs`), then an open-loop schedule at `openRate` req/s for `openDurationMs`.
 */
export async function intakePhase(
  ctx: BenchContext,
  o: { concurrency: number; durationMs: number; maxRequests: number; openRate: number; openDurationMs: number },
): Promise<IntakeResult> {
  const warm = orderNumberFactory(ctx.run, "iw");
  const warmed = await runClosedLoop({ total: 1000, concurrency: 16 }, (i) => postOne(ctx, warm(i), i, {}));

  const order = orderNumberFactory(ctx.run, "i");
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const start = performance.now();
  const closed = await runClosedLoop({ total: o.maxRequests, concurrency: o.concurrency, durationMs: o.durationMs }, async (i) => {
    const t = performance.now();
    await postOne(ctx, order(i), i, statuses);
    latencies.push(performance.now() - t);
  });
  const elapsed = performance.now() - start;
  ctx.log(`intake closed loop: ${closed.sent} sent, ${closed.errors} errors in ${Math.round(elapsed)} ms`);

  const paced = orderNumberFactory(ctx.run, "io");
  const openStatuses: Record<string, number> = {};
  const open = await runOpenLoop({ ratePerSec: o.openRate, durationMs: o.openDurationMs, fire: (i) => postOne(ctx, paced(i), i, openStatuses) });
  ctx.log(`intake open loop: ${open.sent} sent at ${o.openRate}/s, ${open.errors} errors, client lag ≤ ${Math.round(open.maxSendLagMs)} ms`);

  return {
    operations: warmed.sent + closed.sent + open.sent,
    reqPerSec: ratePerSec(latencies.length, elapsed),
    closedLoop: { ...summarize(latencies), concurrency: o.concurrency, sent: closed.sent, errors: closed.errors, statuses },
    openLoop: { ...summarize(open.latenciesMs), ratePerSec: o.openRate, sent: open.sent, errors: open.errors, maxSendLagMs: Math.round(open.maxSendLagMs), statuses: openStatuses },
  };
}

export interface BatchResult extends CountedPhase {
  paymentsPerSec: number;
  batches: number;
  itemsPerBatch: number;
  accepted: number;
  errors: number;
  batchLatency: LatencySummary;
}

/** POST /v1/payments/batch with `size` merchant_scan items, `concurrency` in flight, for `durationMs`. */
export async function batchPhase(ctx: BenchContext, o: { size: number; concurrency: number; durationMs: number; maxBatches: number }): Promise<BatchResult> {
  const order = orderNumberFactory(ctx.run, "b");
  let accepted = 0;
  const latencies: number[] = [];
  const bodyOf = (b: number) => JSON.stringify({ payments: Array.from({ length: o.size }, (_, k) => merchantScan(order(b * o.size + k), b * o.size + k)) });
  // Warm the route (JIT, schemas) on a couple of batches first.
  const warm = orderNumberFactory(ctx.run, "bw");
  const warmBatches = 2;
  for (let b = 0; b < warmBatches; b++) {
    const body = JSON.stringify({ payments: Array.from({ length: o.size }, (_, k) => merchantScan(warm(b * o.size + k), k)) });
    await (await ctx.intake.request({ method: "POST", path: "/v1/payments/batch", headers, body })).body.dump();
  }
  const start = performance.now();
  const run = await runClosedLoop({ total: o.maxBatches, concurrency: o.concurrency, durationMs: o.durationMs }, async (b) => {
    const body = bodyOf(b);
    const t = performance.now();
    const res = await ctx.intake.request({ method: "POST", path: "/v1/payments/batch", headers, body });
    const parsed = (await res.body.json()) as { results?: { status: number }[] };
    latencies.push(performance.now() - t);
    if (res.statusCode !== 200 || !parsed.results) throw new Error(`HTTP ${res.statusCode}`);
    accepted += parsed.results.filter((r) => r.status === 202).length;
  });
  const elapsed = performance.now() - start;
  return {
    operations: (warmBatches + run.sent) * o.size,
    paymentsPerSec: ratePerSec(accepted, elapsed),
    batches: run.sent,
    itemsPerBatch: o.size,
    accepted,
    errors: run.errors,
    batchLatency: summarize(latencies),
  };
}
