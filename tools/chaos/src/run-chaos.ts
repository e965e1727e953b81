import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAttacks, voidBaits } from "./attack-phase.js";
import { type ChaosAction, runChaosScript } from "./chaos-script.js";
import { Cluster, adminToken, gatewayTimeZone } from "./cluster.js";
import { EventTailer } from "./event-tailer.js";
import { fetchLedger, fetchPayments } from "./final-state.js";
import { HttpClient, sleep } from "./http-client.js";
import { LoadGenerator } from "./load-generator.js";
import { NoticeAttacker } from "./notice-attacker.js";
import { NoticeTap } from "./notice-tap.js";
import { type ChaosOptions, seededRandom } from "./options.js";
import { type Subscriber, awaitQuiescence, isSettled } from "./quiescence.js";
import { gatewayOutage, sandboxFaults } from "./outage-phase.js";
import { planPayments } from "./payment-plan.js";
import { recoveryFigure, recoveryTargetSeconds } from "./recovery.js";
import { RefundRun } from "./refund-phase.js";
import type { RefundablePayment } from "./refund-plan.js";
import { type ChaosReport, tally } from "./report.js";
import { checkLedgerArchive, ledgerFailures } from "./ledger-check.js";
import { type ReconciliationVerdict, checkReconciliation } from "./reconciliation-check.js";
import { verify } from "./verify.js";
import type { ServiceProcess } from "./service-process.js";
import { type ReceiverMode, WebhookReceiver } from "./webhook-receiver.js";

export interface RunContext {
  log: (line: string) => void;
  signal?: AbortSignal;
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
  let attacker: NoticeAttacker | undefined;
  // On the wire between the sandbox and each notifier (the payers' NOTICE_URL): record, and hold some notices for the attacker.
  const taps = await Promise.all(
    [0, 1].map((k) =>
      NoticeTap.start({
        http,
        notifierUrls: () => (cluster ? [cluster.notifiers[k], cluster.notifiers[1 - k]].map((n) => n?.url ?? "") : []),
        onNotice: (fields, held) => attacker?.onNotice(fields, held),
      }),
    ),
  );
  const onAbort = () => void cluster?.kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  let tailer: EventTailer | undefined;

  try {
    log(`starting Redis, PostgreSQL and 8 services (logs in ${join(workDir, "logs")})`);
    cluster = await Cluster.start({
      workDir,
      logLevel: options.logLevel,
      autoPayMs: options.autoPayMs,
      pendingMs: options.pendingMs,
      webhookRetryScale: options.webhookRetryScale,
      payerNoticeUrls: [taps[0]?.noticeUrl ?? "", taps[1]?.noticeUrl ?? ""],
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

    // The other disruptions happen while the first `options.payments` arrive; the gateway outage while the rest do.
    const outagePayments = Math.round((options.outageMs / 1000) * options.ratePerSec);
    const plan = planPayments({
      count: options.payments + outagePayments,
      runId: `${Date.now().toString(36)}`,
      random,
      baits: options.baits,
      baitsWithin: Math.floor(options.payments / 2),
    });
    const baits = plan.filter((p) => p.scenario === "bait");
    const baitNumbers = new Set(baits.map((p) => p.orderNumber));
    const windowMs = (options.payments / options.ratePerSec) * 1000;
    const load = new LoadGenerator({
      http,
      intakeUrl: c.intake.url,
      ratePerSec: options.ratePerSec,
      maxBatch: options.maxBatch,
      random,
      ...(signal ? { signal } : {}),
    });
    attacker = new NoticeAttacker({ http, sandboxUrl: c.sandbox.url, intakeUrl: c.intake.url, notifierUrls, random });
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
    const outage = gatewayOutage({
      http,
      sandboxUrl: c.sandbox.url,
      failingMs: options.outageMs,
      failureRate: options.outageFailureRate,
      before: async () => void (await Promise.allSettled(restarts)),
      during: () => load.run(plan.slice(options.payments)),
    });
    // Refunds (refund-phase.ts) of payments as they succeed, from a third of the window on, over
    // the disruptions after that: a notice drop, the Redis restart, payer-2's and notifier-2's
    // kills, the faults, the gateway outage; the merchant balance short from the first wave on
    // until the gateway holds one of its refunds.
    const refunds = new RefundRun({
      http, intakeUrl: c.intake.url, sandboxUrl: c.sandbox.url, random, share: options.refundShare, log, shortBalance: { minMs: 3_000, maxMs: 20_000 },
    });
    const succeededSoFar = (): RefundablePayment[] =>
      plan.filter((p) => tailer?.latest.get(p.orderNumber)?.status === "succeeded").map((p) => ({ orderNumber: p.orderNumber, apiKey: p.store.apiKey, amount: String(p.body.amount) }));
    const actions: ChaosAction[] = [
      { at: 0.08, name: "SIGKILL payer-1, restart", run: crash(payer1) },
      { at: 0.15, name: "sandbox faults on (latency, 5xx, time-outs, resets after charge, duplicate/reordered/delayed notices, bad signatures)", run: () => faults(faultsOn) },
      { at: 0.3, name: "SIGKILL notifier-1, restart", run: crash(notifier1) },
      // Not restarted: ledger-2 claims its uncommitted batch and archives the rest alone.
      { at: 0.35, name: "SIGKILL ledger-1 (not restarted)", run: () => (c.ledgers[0] as ServiceProcess).kill("SIGKILL") },
      {
        at: 0.37,
        name: "refunds start: newly succeeded payments, in waves until the last payment is submitted (after the gateway outage)",
        run: async () => refunds.start(succeededSoFar, () => submitEnded > 0 || signal?.aborted === true, Math.max(1_000, windowMs / 50)),
      },
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
      // Last, once the crashed services are back: the outage's payments are submitted during it.
      outage.action(1),
    ];

    log(
      `submitting ${plan.length} payments at ${options.ratePerSec}/s (≈${((windowMs + options.outageMs) / 1000).toFixed(0)} s) with ${actions.length} disruptions and a forged-notice attacker`,
    );
    const submitStarted = Date.now();
    let submitEnded = 0;
    for (const tap of taps) tap.holding = true;
    const script = runChaosScript(actions, { startedAt: submitStarted, windowMs, log, ...(signal ? { signal } : {}) });
    const [chaosRecords] = await Promise.all([
      script,
      // Submitted: the first payments (with the other disruptions), then the outage's (during it).
      Promise.all([load.run(plan.slice(0, options.payments)), script]).then(() => {
        submitEnded = Date.now();
        for (const tap of taps) tap.holding = false;
        log(`submitted: ${[...load.submissions.values()].filter((s) => s.accepted).length}/${plan.length} accepted in ${((submitEnded - submitStarted) / 1000).toFixed(1)} s`);
      }),
      runAttacks(
        { attacker, plan, dispatched: () => load.submissions.size, targets: options.attackTargets, windowMs: windowMs + options.outageMs, ...(signal ? { signal } : {}) },
        () => submitEnded > 0,
      ),
      (async () => {
        while (submitEnded === 0 && !signal?.aborted) {
          await sleep(Math.max(2_000, windowMs / 10));
          const accepted = [...load.submissions.values()].filter((s) => s.accepted).length;
          const final = [...tailer.latest.values()].filter((l) => isSettled(l.status)).length;
          log(`progress: ${accepted} accepted, ${final} final, ${tailer.events.length} events`);
        }
      })(),
    ]);
    const restartErrors = (await Promise.allSettled(restarts)).filter((r) => r.status === "rejected");
    if (restartErrors.length > 0) throw new Error(`a crashed service did not come back: ${String((restartErrors[0] as PromiseRejectedResult).reason)}`);
    const { startedAt: outageFrom, recoveredAt: outageTo } = outage.times;
    if (outageFrom !== undefined && outageTo !== undefined) {
      log(`gateway outage from +${((outageFrom - submitStarted) / 1000).toFixed(1)} s to +${((outageTo - submitStarted) / 1000).toFixed(1)} s`);
    }
    const submissions = load.submissions;
    const accepted = plan.filter((p) => submissions.get(p.orderNumber)?.accepted);

    // The POS voids the baits; the attacker then tries a success on them (the contract sends a
    // gateway success for a voided payment to needs_review: a forgery must not get there).
    const baitStatuses = await voidBaits(http, c.intake.url, baits);
    for (const p of baits) if (baitStatuses.get(p.orderNumber) === "voided") await attacker.attackPayment(p, true);
    await attacker.drain();
    log(`forged-notice attacker: ${attacker.sentTotal} forged or replayed notices at ${attacker.targets.size} payments; baits ${[...baitStatuses.values()].join(", ")}`);

    const { allFinalAt, webhooksCompleteAt, deadLettersReplayed } = await awaitQuiescence({
      http,
      tailer,
      accepted,
      subscribers,
      down,
      notifierUrls,
      deadline: submitEnded + options.settleTimeoutMs,
      settleTimeoutMs: options.settleTimeoutMs,
      submitEnded,
      log,
      ...(signal ? { signal } : {}),
    });
    const timedOut = webhooksCompleteAt === null;
    await refunds.awaitFinal(Math.max(submitEnded + options.settleTimeoutMs, Date.now() + 20_000));

    await tailer.stop();
    await tailer.catchUp();
    const finals = await fetchPayments(http, c.intake.url, plan);
    const ledger = await fetchLedger(http, c.sandbox.url);
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
      ledger,
      attackTargets: new Map([...attacker.targets.keys()].map((n) => [n, { bait: baitNumbers.has(n) }])),
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
    // The archive against the truth: every event once, every payment at its final version.
    const ledgerArchive = await checkLedgerArchive({ redisUrl: c.redis.url, keyPrefix: "op", databaseUrl: c.postgres.url(), finals, catchUpMs: 60_000 });
    verdict.failures.push(...ledgerFailures(ledgerArchive));
    if (ledgerArchive.samples.length > 0) verdict.samples.ledger = ledgerArchive.samples;
    log(`ledger archive: ${ledgerArchive.eventsArchived}/${ledgerArchive.eventsEmitted} events, ${ledgerArchive.missing} missing, ${ledgerArchive.duplicated} duplicated, ${ledgerArchive.versionMismatches}/${ledgerArchive.payments} payments off their final version`);
    // The day's books against the gateway's (QueryOrdersList) on a ledger still running, with one charge planted that we never made.
    const liveLedger = c.ledgers.find((l) => l.running) ?? (c.ledgers[1] as ServiceProcess);
    const reconciliation: ReconciliationVerdict & { orphan: string; runs: { date: string; status: string }[] } = await checkReconciliation({
      http, ledgerUrl: liveLedger.url, sandboxUrl: c.sandbox.url, adminToken, timeZone: gatewayTimeZone, since: began, deadline: Date.now() + 120_000,
    }).catch((err: unknown) => ({ failures: [`the check did not finish: ${(err as Error).message}`], matched: 0, discrepancies: [], orphan: "", runs: [] }));
    if (reconciliation.failures.length > 0) {
      verdict.failures.push("reconciliation");
      verdict.samples.reconciliation = reconciliation.failures;
    }
    log(`reconciliation on ${liveLedger.name}: ${reconciliation.runs.map((r) => `${r.date} ${r.status}`).join(", ")}; ${reconciliation.matched} matched, ${reconciliation.discrepancies.length} discrepancies (planted: ${reconciliation.orphan})`);
    const recovered = outage.times.recoveredAt;
    const recovery =
      recovered === undefined
        ? null
        : {
            ...recoveryFigure(tailer.events, recovered, (n) => !baitNumbers.has(n)),
            failingMs: options.outageMs,
            failureRate: options.outageFailureRate,
            startedAfterMs: outage.times.startedAt === undefined ? null : outage.times.startedAt - submitStarted,
            targetSeconds: recoveryTargetSeconds,
          };
    if (recovery === null || recovery.secondsToLastSettlement === null || recovery.secondsToLastSettlement > recoveryTargetSeconds) {
      verdict.failures.push("recovery.secondsToLastSettlement");
      if (recovery && recovery.notSettled.length > 0) verdict.samples["recovery.notSettled"] = recovery.notSettled;
    }
    const refundReport = await refunds.verdict(tailer.refundEvents);
    verdict.failures.push(...refundReport.failures);
    Object.assign(verdict.samples, refundReport.samples);
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
      ledger: { orders: ledger.size, charges: [...ledger.values()].reduce((a, b) => a + b.charges, 0) },
      archive: ledgerArchive,
      reconciliation: {
        orphan: reconciliation.orphan,
        matched: reconciliation.matched,
        discrepancies: tally(reconciliation.discrepancies.map((d) => (d.orderNumber === reconciliation.orphan ? `${d.kind} (planted)` : d.kind))),
        runs: reconciliation.runs.map((r) => ({ date: r.date, status: r.status })),
        failures: reconciliation.failures,
      },
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
      refunds: { planned: refundReport.planned, waves: refundReport.waves, heldByShortBalance: refundReport.heldByShortBalance, byKind: refundReport.byKind, statuses: refundReport.statuses, counts: refundReport.counts, settledAfterMs: refundReport.settledAfterMs },
      forgery: {
        sent: attacker.sent,
        sentTotal: attacker.sentTotal,
        targets: attacker.targets.size,
        targetsByStatus: tally([...attacker.targets.values()].flatMap((t) => [...t.statuses])),
        baits: baits.length,
        baitStatuses: tally([...baitStatuses.values()]),
        documents: attacker.documents,
        tap: {
          seen: sumOf(taps.map((t) => t.seen)),
          held: sumOf(taps.map((t) => t.held)),
          heldLost: sumOf(taps.map((t) => t.heldLost)),
          notOk: sumOf(taps.map((t) => t.notOk)),
        },
        postFailures: attacker.postFailures,
        notReceiveOk: attacker.notReceiveOk,
      },
      recovery,
      logsDir: c.logDir,
    };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await tailer?.stop();
    if (signal?.aborted) await cluster?.kill();
    else await cluster?.stop();
    await Promise.all(subscribers.map((s) => s.receiver.close()));
    await Promise.all(taps.map((t) => t.close()));
    await http.close();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

const sumOf = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
