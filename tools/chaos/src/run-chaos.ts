import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChaosAction, type ActionRecord, runChaosScript } from "./chaos-script.js";
import { Cluster, adminToken } from "./cluster.js";
import { EventTailer } from "./event-tailer.js";
import { fetchLedger, fetchPayments } from "./final-state.js";
import { HttpClient, sleep } from "./http-client.js";
import { LoadGenerator, type LoadTotals } from "./load-generator.js";
import { type ChaosOptions, seededRandom } from "./options.js";
import { planPayments } from "./payment-plan.js";
import { type Counts, finalStatuses, typeMatches, verify } from "./verify.js";
import type { ServiceProcess } from "./service-process.js";
import { type ReceiverMode, WebhookReceiver } from "./webhook-receiver.js";

export interface ChaosReport {
  ok: boolean;
  /** The non-zero counts that fail the run. */
  failures: string[];
  counts: Counts;
  samples: Record<string, string[]>;
  options: ChaosOptions;
  startedAt: string;
  durationMs: number;
  submission: LoadTotals & { planned: number; accepted: number; unexpected: number; createdTwice: number; voidAnswers: Record<string, number>; windowMs: number };
  throughput: { submittedPerSec: number; settledPerSec: number | null };
  settle: { allFinalAfterMs: number | null; webhooksCompleteAfterMs: number | null; timedOut: boolean };
  statuses: Record<string, number>;
  ledger: { orders: number; charges: number };
  events: { read: number; pages: number; readErrors: number };
  chaos: ActionRecord[];
  starts: Record<string, number>;
  receivers: Record<string, { requests: number; accepted: number; refusedOnPurpose: number; unverifiable: number; duplicates: number; unverifiableSamples: string[] }>;
  deadLettersReplayed: number;
  logsDir: string;
}

export interface RunContext {
  log: (line: string) => void;
  signal?: AbortSignal;
}

interface Subscriber {
  receiver: WebhookReceiver;
  events: string[];
  storeIds?: string[];
  id?: string;
}

/** Moderate rates of every sandbox fault. */
const faultsOn = {
  latencyMs: 20,
  errorRate: 0.05,
  timeoutRate: 0.02,
  resetAfterChargeRate: 0.03,
  noticeDuplicateRate: 0.2,
  noticeReorder: true,
  noticeDelayMs: 300,
  badSignatureRate: 0.03,
};

/**
 * One chaos run: starts Redis and the six services, subscribes three receivers (one healthy, one
 * flaky, one down until the end), pushes the planned payments while crashing processes,
 * restarting Redis and turning every sandbox fault on and off, waits for quiescence (bounded),
 * then checks payments, the sandbox ledger, the event log and every receiver.
 */
export async function runChaos(options: ChaosOptions, ctx: RunContext): Promise<ChaosReport> {
  const { log, signal } = ctx;
  const began = Date.now();
  const random = seededRandom(options.seed);
  const workDir = mkdtempSync(join(tmpdir(), "oceanpos-chaos-"));
  const http = new HttpClient({ connections: 96 });
  const subscribers: Subscriber[] = [
    { receiver: await WebhookReceiver.start({ name: "healthy", mode: "ok" }), events: ["payment.*"] },
    {
      receiver: await WebhookReceiver.start({ name: "flaky", mode: "ok", failRate: 0.1, random }),
      events: ["payment.succeeded", "payment.failed", "payment.voided"],
    },
    { receiver: await WebhookReceiver.start({ name: "down", mode: "refused" }), events: ["payment.succeeded"], storeIds: ["demo-store-2"] },
  ];
  const [, , down] = subscribers as [Subscriber, Subscriber, Subscriber];
  let cluster: Cluster | undefined;
  const onAbort = () => void cluster?.kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  let tailer: EventTailer | undefined;

  try {
    log(`starting Redis and 6 services (logs in ${join(workDir, "logs")})`);
    cluster = await Cluster.start({
      workDir,
      logLevel: options.logLevel,
      autoPayMs: options.autoPayMs,
      pendingMs: options.pendingMs,
      webhookRetryScale: options.webhookRetryScale,
    });
    const c = cluster;
    log(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s: redis ${c.redis.url}, ${c.all.map((s) => `${s.name} ${s.url}`).join(", ")}`);
    const notifierUrls = () => {
      const up = c.notifiers.filter((n) => n.running).map((n) => n.url);
      return up.length > 0 ? up : c.notifiers.map((n) => n.url);
    };

    for (const s of subscribers) {
      const res = await http.json<{ id: string; secret: string }>("POST", `${c.notifiers[0]?.url}/v1/subscriptions`, {
        token: adminToken,
        body: { url: s.receiver.url, events: s.events, ...(s.storeIds ? { storeIds: s.storeIds } : {}), description: `chaos ${s.receiver.name}` },
      });
      if (res.status !== 201) throw new Error(`POST /v1/subscriptions answered ${res.status}: ${JSON.stringify(res.body)}`);
      s.id = res.body.id;
      s.receiver.useSecret(res.body.secret);
    }
    // Both notifiers refresh their subscription cache every SUBSCRIPTION_REFRESH_MS (500 ms).
    await sleep(1_500);

    tailer = new EventTailer({ http, notifierUrls, adminToken });
    tailer.start();

    const plan = planPayments({ count: options.payments, runId: `${Date.now().toString(36)}`, random });
    const windowMs = (options.payments / options.ratePerSec) * 1000;
    const load = new LoadGenerator({
      http,
      intakeUrl: c.intake.url,
      ratePerSec: options.ratePerSec,
      maxBatch: options.maxBatch,
      random,
      ...(signal ? { signal } : {}),
    });
    const faults = (body: unknown) => sandboxFaults(http, c.sandbox.url, body);
    const [payer1, payer2] = c.payers as [ServiceProcess, ServiceProcess];
    const [notifier1, notifier2] = c.notifiers as [ServiceProcess, ServiceProcess];
    // The kill is immediate; the restart runs in the background so that a slow start-up (tsx on a
    // busy machine) does not push the later disruptions out of the submission window.
    const restarts: Promise<void>[] = [];
    const crash = (service: ServiceProcess) => async () => {
      await service.kill("SIGKILL");
      restarts.push(
        sleep(500)
          .then(() => service.start())
          .then(() => log(`${service.name} is back (${service.starts} starts)`)),
      );
    };
    const setDown = (mode: ReceiverMode) => () => down.receiver.setMode(mode);
    const actions: ChaosAction[] = [
      { at: 0.08, name: "SIGKILL payer-1, restart", run: crash(payer1) },
      { at: 0.15, name: "sandbox faults on (latency, 5xx, time-outs, resets after charge, duplicate/reordered/delayed notices, bad signatures)", run: () => faults(faultsOn) },
      { at: 0.3, name: "SIGKILL notifier-1, restart", run: crash(notifier1) },
      { at: 0.4, name: "receiver 'down': connection refused → 503", run: setDown("unavailable") },
      { at: 0.45, name: "sandbox noticeDrop on", run: () => faults({ noticeDrop: true }) },
      {
        at: 0.52,
        name: "Redis SIGKILL, restart from the AOF",
        run: async () => {
          await c.redis.stop({ hard: true });
          await sleep(1_000);
          await c.redis.restart();
        },
      },
      { at: 0.62, name: "sandbox noticeDrop off", run: () => faults({ noticeDrop: false }) },
      { at: 0.7, name: "SIGKILL payer-2, restart", run: crash(payer2) },
      { at: 0.78, name: "SIGKILL notifier-2, restart", run: crash(notifier2) },
      { at: 0.85, name: "sandbox faults cleared", run: () => sandboxFaults(http, c.sandbox.url, null) },
    ];

    log(`submitting ${plan.length} payments at ${options.ratePerSec}/s (≈${(windowMs / 1000).toFixed(0)} s) with ${actions.length} disruptions`);
    const submitStarted = Date.now();
    let lastProgress = 0;
    let submitEnded = 0;
    const [submissions, chaosRecords] = await Promise.all([
      load.run(plan).then((r) => {
        submitEnded = Date.now();
        log(`submitted: ${[...r.values()].filter((s) => s.accepted).length}/${plan.length} accepted in ${((submitEnded - submitStarted) / 1000).toFixed(1)} s`);
        return r;
      }),
      runChaosScript(actions, { startedAt: submitStarted, windowMs, log, ...(signal ? { signal } : {}) }),
      (async () => {
        while (lastProgress < 1 && !signal?.aborted) {
          await sleep(Math.max(2_000, windowMs / 10));
          const accepted = [...load.submissions.values()].filter((s) => s.accepted).length;
          const final = [...tailer.latest.values()].filter((l) => finalStatuses.has(l.status) || l.status === "needs_review").length;
          lastProgress = accepted / plan.length;
          log(`progress: ${accepted} accepted, ${final} final, ${tailer.events.length} events`);
        }
      })(),
    ]);
    const restartErrors = (await Promise.allSettled(restarts)).filter((r) => r.status === "rejected");
    if (restartErrors.length > 0) throw new Error(`a crashed service did not come back: ${String((restartErrors[0] as PromiseRejectedResult).reason)}`);
    const accepted = plan.filter((p) => submissions.get(p.orderNumber)?.accepted);

    // Quiescence, bounded: every accepted payment final, then the down receiver comes back, its
    // dead letters are replayed, and every subscriber has every matching event.
    const settleDeadline = submitEnded + options.settleTimeoutMs;
    const allFinal = () => accepted.every((p) => isSettled(tailer?.latest.get(p.orderNumber)?.status));
    let allFinalAt: number | null = null;
    while (Date.now() < settleDeadline - options.settleTimeoutMs / 3 && !signal?.aborted) {
      if (allFinal()) {
        allFinalAt = Date.now();
        break;
      }
      await sleep(1_000);
    }
    log(allFinalAt ? `all ${accepted.length} accepted payments final ${((allFinalAt - submitEnded) / 1000).toFixed(1)} s after the last submission` : "not every payment is final yet; bringing the down receiver back anyway");

    await down.receiver.setMode("ok");
    log("receiver 'down' is up again; replaying its dead letters");
    let deadLettersReplayed = await replayDeadLetters(http, notifierUrls, down);
    let webhooksCompleteAt: number | null = null;
    let lastReplay = Date.now();
    while (Date.now() < settleDeadline && !signal?.aborted) {
      await tailer.catchUp(10_000).catch(() => undefined);
      if (allFinalAt === null && allFinal()) allFinalAt = Date.now();
      const missing = subscribers.map((s) => missingFor(s, tailer as EventTailer));
      if (allFinalAt !== null && missing.every((m) => m === 0)) {
        webhooksCompleteAt = Date.now();
        break;
      }
      if (Date.now() - lastReplay > 10_000) {
        // Deliveries in their last retry when the receiver came back may have been dead-lettered since.
        deadLettersReplayed += await replayDeadLetters(http, notifierUrls, down);
        lastReplay = Date.now();
        log(`waiting: missing webhooks ${subscribers.map((s, i) => `${s.receiver.name}=${missing[i]}`).join(" ")}`);
      }
      await sleep(1_000);
    }
    if (signal?.aborted) throw new Error("interrupted");
    const timedOut = webhooksCompleteAt === null;
    log(timedOut ? `settle time-out (${options.settleTimeoutMs / 1000} s) reached; checking what there is` : "quiescent; checking");

    await tailer.stop();
    await tailer.catchUp();
    const finals = await fetchPayments(http, c.intake.url, plan);
    const charges = await fetchLedger(http, c.sandbox.url);
    const verdict = verify({
      payments: plan
        .filter((p) => submissions.get(p.orderNumber)?.accepted || finals.get(p.orderNumber))
        .map((p) => ({
          orderNumber: p.orderNumber,
          storeId: p.store.storeId,
          accepted: submissions.get(p.orderNumber)?.accepted ?? false,
          expected: p.expected,
          final: finals.get(p.orderNumber),
        })),
      charges,
      events: tailer.events,
      subscribers: subscribers.map((s) => ({
        name: s.receiver.name,
        events: s.events,
        ...(s.storeIds ? { storeIds: s.storeIds } : {}),
        received: s.receiver.received,
        unverifiable: s.receiver.unverifiable,
      })),
      unexpectedIntakeAnswers: [...submissions.values()].filter((s) => s.unexpected).length,
    });
    const unexpectedSamples = [...submissions].filter(([, s]) => s.unexpected).slice(0, 20);
    if (unexpectedSamples.length > 0) verdict.samples.unexpectedIntakeAnswers = unexpectedSamples.map(([o, s]) => `${o}: ${s.unexpected}`);

    const statuses: Record<string, number> = {};
    for (const f of finals.values()) if (f) statuses[f.status] = (statuses[f.status] ?? 0) + 1;
    const subs = [...submissions.values()];
    const voidAnswers: Record<string, number> = {};
    for (const s of subs) if (s.voidAnswer) voidAnswers[s.voidAnswer] = (voidAnswers[s.voidAnswer] ?? 0) + 1;
    return {
      ok: verdict.failures.length === 0,
      failures: verdict.failures,
      counts: verdict.counts,
      samples: verdict.samples,
      options,
      startedAt: new Date(began).toISOString(),
      durationMs: Date.now() - began,
      submission: {
        ...load.totals,
        planned: plan.length,
        accepted: accepted.length,
        unexpected: subs.filter((s) => s.unexpected).length,
        createdTwice: subs.filter((s) => s.createdTwice).length,
        voidAnswers,
        windowMs: submitEnded - submitStarted,
      },
      throughput: {
        submittedPerSec: round(accepted.length / ((submitEnded - submitStarted) / 1000)),
        settledPerSec: allFinalAt ? round(accepted.length / ((allFinalAt - submitStarted) / 1000)) : null,
      },
      settle: {
        allFinalAfterMs: allFinalAt ? allFinalAt - submitEnded : null,
        webhooksCompleteAfterMs: webhooksCompleteAt ? webhooksCompleteAt - submitEnded : null,
        timedOut,
      },
      statuses,
      ledger: { orders: charges.size, charges: [...charges.values()].reduce((a, b) => a + b, 0) },
      events: { read: tailer.events.length, pages: tailer.pagesRead, readErrors: tailer.readErrors },
      chaos: chaosRecords,
      starts: Object.fromEntries(c.all.map((s) => [s.name, s.starts])),
      receivers: Object.fromEntries(
        subscribers.map(({ receiver: r }) => [
          r.name,
          { requests: r.requests, accepted: r.received.size, refusedOnPurpose: r.refusedOnPurpose, unverifiable: r.unverifiable, duplicates: r.duplicates, unverifiableSamples: r.unverifiableSamples },
        ]),
      ),
      deadLettersReplayed,
      logsDir: c.logDir,
    };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await tailer?.stop();
    if (signal?.aborted) await cluster?.kill();
    else await cluster?.stop();
    await Promise.all(subscribers.map((s) => s.receiver.close()));
    await http.close();
  }
}

function isSettled(status: string | undefined): boolean {
  return status !== undefined && (finalStatuses.has(status) || status === "needs_review");
}

function missingFor(s: Subscriber, tailer: EventTailer): number {
  let missing = 0;
  for (const e of tailer.events) {
    if (!typeMatches(s.events, e.type) || (s.storeIds && !s.storeIds.includes(e.storeId))) continue;
    if (!s.receiver.received.has(e.id)) missing++;
  }
  return missing;
}

async function sandboxFaults(http: HttpClient, sandboxUrl: string, body: unknown): Promise<void> {
  const res = await http.json(body === null ? "DELETE" : "POST", `${sandboxUrl}/sandbox/faults`, body === null ? {} : { body });
  if (res.status !== 200) throw new Error(`/sandbox/faults answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** `POST /v1/subscriptions/{id}/dead-letters/replay` on the first notifier that answers; the number replayed. */
async function replayDeadLetters(http: HttpClient, notifierUrls: () => readonly string[], s: Subscriber): Promise<number> {
  for (const base of notifierUrls()) {
    try {
      const res = await http.json<{ replayed: number }>("POST", `${base}/v1/subscriptions/${s.id}/dead-letters/replay`, { token: adminToken });
      if (res.status === 202) return res.body.replayed;
    } catch {
      // try the other notifier
    }
  }
  return 0;
}

const round = (n: number) => Math.round(n * 10) / 10;
