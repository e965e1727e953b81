import { runClosedLoop, runOpenLoop } from "../open-loop.js";
import { successNotice } from "../notice.js";
import { customerScan, orderNumberFactory } from "../payments.js";
import { type LatencySummary, ratePerSec, round, summarize } from "../stats.js";
import { type WebhookEvent, WebhookReceiver, eventKey } from "../webhook-receiver.js";
import { type BenchContext, sleep, storeKey } from "./context.js";
import { subscribe, subscriptionSettleMs, unsubscribe } from "./subscriptions.js";

export interface NoticesResult {
  noticesPerSec: number;
  notices: number;
  noticeErrors: number;
  noticeLatency: LatencySummary;
  subscriptions: number;
  deliveriesPerSec: number;
  deliveries: number;
  blastNoticeToWebhook: LatencySummary;
  paced: LatencySummary & { ratePerSec: number; notices: number; deliveries: number };
  preparedPayments: number;
}

interface Prepared {
  orderNumber: string;
  paymentId: string;
  amount: string;
  currency: string;
  method: string;
}

/**
 * Signed success notices POSTed straight to the notifier for customer_scan payments waiting for
 * their customer, with `subscriptions` receivers subscribed to `payment.succeeded`: notice
 * throughput, webhook fan-out throughput, and notice → webhook latency (blast and paced).
 */
export async function noticesPhase(
  ctx: BenchContext,
  o: { blastNotices: number; maxPacedRate: number; pacedDurationMs: number; subscriptions: number; concurrency: number; capMs: number },
): Promise<NoticesResult> {
  const pacedCount = Math.round((o.maxPacedRate * o.pacedDurationMs) / 1000);
  const prepared = await prepare(ctx, o.blastNotices + pacedCount, o.capMs);
  const blast = prepared.slice(0, o.blastNotices);
  const pacedSet = prepared.slice(o.blastNotices);

  const receivers = Array.from({ length: o.subscriptions }, () => new WebhookReceiver());
  const ids: string[] = [];
  for (const [i, r] of receivers.entries()) {
    await r.start();
    ids.push(await subscribe(ctx, r.url, ["payment.succeeded"], `bench fan-out ${i}`));
  }
  await sleep(subscriptionSettleMs);
  try {
    const noticeHeaders = { "content-type": "application/xml; charset=utf-8" };
    const sentAt = new Map<string, number>();
    const noticeLatencies: number[] = [];
    const bodies = blast.map((p) => successNotice(p));
    const start = performance.now();
    const run = await runClosedLoop({ total: blast.length, concurrency: o.concurrency, durationMs: o.capMs / 3 }, async (i) => {
      const p = blast[i] as Prepared;
      const t = performance.now();
      sentAt.set(p.orderNumber, t);
      const res = await ctx.notifier.request({ method: "POST", path: "/oceanpayment/notice", headers: noticeHeaders, body: bodies[i] as string });
      const text = await res.body.text();
      noticeLatencies.push(performance.now() - t);
      if (text !== "receive-ok") throw new Error(`notice answered ${res.statusCode} ${text}`);
    });
    const noticeElapsed = performance.now() - start;
    ctx.log(`notices: ${run.sent} sent, ${run.errors} errors in ${Math.round(noticeElapsed)} ms`);
    const blastKeys = [...sentAt.keys()].map((n) => eventKey("payment.succeeded", n));
    await Promise.all(receivers.map((r) => r.waitFor(blastKeys, Math.max(5_000, o.capMs / 2))));
    const blastLat = deliveryLatencies(receivers, sentAt);
    const fanoutElapsed = blastLat.lastAt - start;

    // Latency without backlog: a notice rate whose deliveries take at most half the measured fan-out capacity.
    const deliveriesPerSec = ratePerSec(blastLat.samples.length, fanoutElapsed);
    const pacedRate = Math.max(5, Math.min(o.maxPacedRate, Math.floor((deliveriesPerSec * 0.5) / o.subscriptions)));
    const pacedDue = new Map<string, number>();
    const pacedStart = performance.now();
    await runOpenLoop({
      ratePerSec: pacedRate,
      durationMs: o.pacedDurationMs,
      fire: async (i) => {
        const p = pacedSet[i];
        if (!p) return;
        pacedDue.set(p.orderNumber, pacedStart + (i * 1000) / pacedRate);
        const res = await ctx.notifier.request({ method: "POST", path: "/oceanpayment/notice", headers: noticeHeaders, body: successNotice(p) });
        await res.body.dump();
      },
    });
    const pacedKeys = [...pacedDue.keys()].map((n) => eventKey("payment.succeeded", n));
    await Promise.all(receivers.map((r) => r.waitFor(pacedKeys, 15_000)));
    const pacedLat = deliveryLatencies(receivers, pacedDue);
    ctx.log(`fan-out: ${blastLat.samples.length} blast deliveries, ${pacedLat.samples.length} paced deliveries`);

    return {
      noticesPerSec: ratePerSec(noticeLatencies.length - run.errors, noticeElapsed),
      notices: run.sent,
      noticeErrors: run.errors,
      noticeLatency: summarize(noticeLatencies),
      subscriptions: o.subscriptions,
      deliveriesPerSec,
      deliveries: blastLat.samples.length,
      blastNoticeToWebhook: summarize(blastLat.samples),
      paced: { ...summarize(pacedLat.samples), ratePerSec: pacedRate, notices: pacedDue.size, deliveries: pacedLat.samples.length },
      preparedPayments: prepared.length,
    };
  } finally {
    for (const id of ids) await unsubscribe(ctx, id).catch(() => undefined);
    await Promise.all(receivers.map((r) => r.close()));
  }
}

/** Creates `count` customer_scan payments in batches and waits for their `payment.awaiting_customer` events. */
async function prepare(ctx: BenchContext, count: number, capMs: number): Promise<Prepared[]> {
  const waiting = new Map<string, Prepared>();
  const receiver = new WebhookReceiver((event: WebhookEvent) => {
    const d = event.data;
    if (event.type === "payment.awaiting_customer" && d?.orderNumber && d.paymentId) {
      waiting.set(d.orderNumber, { orderNumber: d.orderNumber, paymentId: d.paymentId, amount: d.amount ?? "", currency: d.currency ?? "", method: d.method ?? "" });
    }
  });
  await receiver.start();
  const id = await subscribe(ctx, receiver.url, ["payment.awaiting_customer"], "bench notice preparation");
  await sleep(subscriptionSettleMs);
  try {
    const order = orderNumberFactory(ctx.run, "n");
    const orderNumbers = Array.from({ length: count }, (_, i) => order(i));
    const t = performance.now();
    for (let i = 0; i < count; i += 500) {
      const payments = orderNumbers.slice(i, i + 500).map((n) => customerScan(n));
      const res = await ctx.intake.request({
        method: "POST",
        path: "/v1/payments/batch",
        headers: { authorization: `Bearer ${storeKey}`, "content-type": "application/json" },
        body: JSON.stringify({ payments }),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`batch of customer_scan payments: HTTP ${res.statusCode}`);
    }
    await receiver.waitFor(orderNumbers.map((n) => eventKey("payment.awaiting_customer", n)), capMs / 3);
    ctx.log(`notices: ${waiting.size}/${count} customer_scan payments awaiting the customer after ${round(performance.now() - t, 0)} ms`);
    return orderNumbers.flatMap((n) => waiting.get(n) ?? []);
  } finally {
    await unsubscribe(ctx, id).catch(() => undefined);
    await receiver.close();
  }
}

function deliveryLatencies(receivers: readonly WebhookReceiver[], startedAt: ReadonlyMap<string, number>): { samples: number[]; lastAt: number } {
  const samples: number[] = [];
  let lastAt = 0;
  for (const r of receivers) {
    for (const [orderNumber, t] of startedAt) {
      const at = r.firstSeen.get(eventKey("payment.succeeded", orderNumber));
      if (at === undefined) continue;
      samples.push(at - t);
      lastAt = Math.max(lastAt, at);
    }
  }
  return { samples, lastAt };
}
