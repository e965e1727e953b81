import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { submitFeed } from "@oceanpos/core/payments";
import { redisKeys, streamGroupBacklog } from "@oceanpos/core/redis";
import { waitFor } from "@oceanpos/harness";
import { Redis } from "ioredis";
import { BenchStack, type ServiceName, imageNodeOptions, repoRoot } from "./bench-stack.js";
import { pool } from "./http-client.js";
import type { BenchContext, CountedPhase } from "./phases/context.js";
import { e2ePhase } from "./phases/e2e-phase.js";
import { type LedgerPhaseResult, ledgerFigures, ledgerNotes, ledgerPhase } from "./phases/ledger-phase.js";
import { batchPhase, intakePhase } from "./phases/intake-phase.js";
import { noticesPhase } from "./phases/notices-phase.js";
import { outagePhase } from "./phases/outage-phase.js";
import { type RefundsResult, refundsFigures, refundsNotes, refundsPhase, seedRefundablePayments } from "./phases/refunds-phase.js";
import { rawBullmq } from "./phases/raw-bullmq.js";
import { rawHttp } from "./phases/raw-http.js";
import { readProfile, summarizeProfile } from "./profile-summary.js";
import { type CommandStat, commandStatsSince, parseCommandStats } from "./redis-commandstats.js";
import { type Figures, cpuPerOperation, cpuPerOperationTable, markdownTable } from "./report.js";
import { RssSampler, cpuMs, treeCpuMs } from "./rss-sampler.js";
import { round } from "./stats.js";

/**
 * `npm run bench`: own Redis + own stack, every phase bounded, results in
 * bench/results/<timestamp>.json and a Markdown table on stdout.
 * BENCH_PROFILE=intake,payer adds --cpu-prof to those services; BENCH_PHASES=raw,intake,batch,e2e,notices,refunds,ledger,outage picks phases;
 * BENCH_RUNTIME=tsx runs the sources instead of the compiled services; BENCH_NODE_OPTIONS replaces the image's NODE_OPTIONS for the services.
 */
const allPhases = ["raw", "intake", "batch", "e2e", "notices", "refunds", "ledger", "outage"] as const;
const names: readonly ServiceName[] = ["sandbox", "intake", "payer", "notifier", "ledger"];
const profile = (process.env.BENCH_PROFILE ?? "").split(",").map((s) => s.trim()).filter((s): s is ServiceName => names.includes(s as ServiceName));
const runtime = process.env.BENCH_RUNTIME === "tsx" ? "tsx" : "compiled";
const phases = new Set((process.env.BENCH_PHASES ?? allPhases.join(",")).split(",").map((s) => s.trim()));
/** Downstream services stopped during the intake and batch phases (BENCH_API_PAUSE, default all three; "" for none). */
const apiPhasesPaused = (process.env.BENCH_API_PAUSE ?? "payer,notifier,ledger")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is "payer" | "notifier" | "ledger" => s === "payer" || s === "notifier" || s === "ledger");
const startedAt = new Date();
const loadavgAtStart = loadavg().map((l) => round(l));
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
const profileDir = join(tmpdir(), "oceanpos-bench-profiles", stamp);
const log = (line: string) => console.log(`bench │ ${line}`);
// Every phase is bounded: about 5 minutes, plus the outage phase's minute of failures and its wait (≤ 75 s),
// plus the refunds phase's (≤ 50 s for its payments, ≤ 50 s for the burst, the paced run).
const TOTAL_CAP_MS = 660_000;

log(`starting Redis and the stack (${runtime}, LOG_LEVEL=warn${profile.length ? `, profiling ${profile.join(", ")}` : ""})…`);
const t0 = performance.now();
const stack = await BenchStack.start({ profile, profileDir, log, runtime });
log(`stack ready in ${Math.round(performance.now() - t0)} ms: ${names.map((n) => `${n} ${stack.ports[n]}`).join(", ")}, redis ${stack.redis.port}`);

let stopping = false;
const shutdown = async (code: number, why: string) => {
  if (stopping) return;
  stopping = true;
  log(`${why}: stopping the stack…`);
  await stack.stop().catch((err: unknown) => log(`stop failed: ${String(err)}`));
  process.exit(code);
};
process.once("SIGINT", () => void shutdown(130, "interrupted"));
process.once("SIGTERM", () => void shutdown(143, "terminated"));
setTimeout(() => void shutdown(1, `the bench ran past its ${TOTAL_CAP_MS / 1000} s cap`), TOTAL_CAP_MS).unref();

const pids = new Map(names.map((n) => [n, stack.pid(n)]));
const sampler = new RssSampler(() => new Map(names.map((n) => [n, stack.pid(n)])));
sampler.start();
const admin = new Redis(stack.redis.url, { maxRetriesPerRequest: null });

const redisPid = Number(/process_id:(\d+)/.exec(await admin.info("server"))?.[1]);
const ownCpu = (pid: number | undefined) => () => (pid === undefined ? undefined : cpuMs(pid));
/** CPU so far per process; `postgres` is the stack's cluster, backends included (the ledger's writes, the archive reads). */
const cpuOf = new Map<string, () => number | undefined>([
  ...[...pids].map(([n, pid]) => [n, ownCpu(pid)] as const),
  ["redis", ownCpu(redisPid)],
  ["postgres", () => (stack.postgres.pid === undefined ? undefined : treeCpuMs(stack.postgres.pid))],
  ["bench", ownCpu(process.pid)],
]);
const ctx: BenchContext = {
  stack,
  intake: pool(stack.url("intake"), 128),
  notifier: pool(stack.url("notifier"), 64),
  sandbox: pool(stack.url("sandbox"), 4),
  run: stamp.slice(11, 19).replace(/-/g, ""),
  log,
  cpuMs: () => Object.fromEntries([...cpuOf].map(([n, read]) => [n, read() ?? 0])),
};
const cpuByPhase: Record<string, Record<string, number>> = {};
const redisForksByPhase: Record<string, { forks: number; latestForkMs: number }> = {};
const redisCommandsByPhase: Record<string, Record<string, CommandStat>> = {};
/** Forks Redis made so far (AOF rewrites: each one stops Redis for the fork's duration) and the last one's length. */
async function redisForks(): Promise<{ count: number; latestMs: number }> {
  const stats = await admin.info("stats");
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(stats)?.[1] ?? Number.NaN);
  return { count: field("total_forks"), latestMs: round(field("latest_fork_usec") / 1000, 1) };
}
/**
 * Runs a phase and records how much CPU each process (services, Redis, the load generator) spent
 * in it, how many times Redis forked meanwhile and which commands took Redis's time.
 */
async function measured<T>(phase: string, run: () => Promise<T>): Promise<T> {
  const before = new Map([...cpuOf].map(([n, read]) => [n, read()]));
  const forksBefore = await redisForks();
  const commandsBefore = parseCommandStats(await admin.info("commandstats"));
  sampler.phase = phase;
  const wall = performance.now();
  try {
    return await run();
  } finally {
    const spent: Record<string, number> = { wallMs: Math.round(performance.now() - wall) };
    for (const [n, read] of cpuOf) {
      const a = before.get(n);
      const b = read();
      if (a !== undefined && b !== undefined) spent[n] = Math.round(b - a);
    }
    const forks = await redisForks().catch(() => undefined);
    const forked = forks && forks.count > forksBefore.count ? { forks: forks.count - forksBefore.count, latestForkMs: forks.latestMs } : undefined;
    if (forked) redisForksByPhase[phase] = forked;
    const commandsAfter = await admin.info("commandstats").catch(() => undefined);
    if (commandsAfter !== undefined) redisCommandsByPhase[phase] = commandStatsSince(commandsBefore, parseCommandStats(commandsAfter), 15);
    cpuByPhase[phase] = spent;
    const forkNote = forked ? `; Redis forked ${forked.forks}× (last ${forked.latestForkMs} ms)` : "";
    log(`${phase}: CPU ms ${Object.entries(spent).map(([k, v]) => `${k} ${v}`).join(", ")}${forkNote}`);
  }
}

const relayGroup = "notifier"; // the notifier's RELAY_GROUP default: the bench does not set it
/**
 * Waits until the notifier's relay (or another consumer group of the event stream: the ledger's)
 * has read and acknowledged every event (the group's lag and pending count at 0); returns how long that took.
 */
async function relayCaughtUp(redis: Redis, timeoutMs: number, group = relayGroup): Promise<number> {
  const began = performance.now();
  const events = redisKeys("op").events;
  await waitFor(
    async () => {
      const backlog = await streamGroupBacklog(redis, events, group);
      return backlog !== undefined && backlog.unread === 0 && backlog.pending === 0;
    },
    { timeoutMs, intervalMs: 200, message: `the consumer group "${group}" to read and acknowledge every event` },
  );
  return Math.round(performance.now() - began);
}

const details: Record<string, unknown> = {};
const nan = Number.NaN;
try {
  if (phases.has("raw")) {
    log("raw BullMQ: addBulk 20k no-op jobs, worker concurrency 100…");
    details.raw = await measured("raw", () => rawBullmq(stack.redis.url, { jobs: 20_000, concurrency: 100, capMs: 60_000 }));
    log("raw HTTP: a bare node:http server, same client and schedules as the intake phase…");
    details.rawHttp = await measured("rawHttp", () => rawHttp({ concurrency: 128, durationMs: 5_000, openRate: 1000, openDurationMs: 5_000 }));
  }
  // The intake and batch phases measure the API alone: the payer and the notifier are stopped
  // (SIGSTOP) so that the work downstream of those payments (submits, the sandbox, the relay's
  // reads) does not compete for the two cores. The submit feed entries of those payments are
  // dropped before the payer resumes (and the intake's recovery sweep is slowed down so that it
  // does not queue them); the notifier's relay catches up before the e2e phase starts.
  for (const name of apiPhasesPaused) stack.signal(name, "SIGSTOP");
  if (phases.has("intake")) {
    log("intake: single POSTs, closed loop (128 connections, 8 s), then 1,000 req/s open loop for 10 s…");
    details.intake = await measured("intake", () => intakePhase(ctx, { concurrency: 128, durationMs: 8_000, maxRequests: 80_000, openRate: 1000, openDurationMs: 10_000 }));
  }
  if (phases.has("batch")) {
    log("batch: POST /v1/payments/batch × 500 items, 8 in flight, 8 s…");
    details.batch = await measured("batch", () => batchPhase(ctx, { size: 500, concurrency: 8, durationMs: 8_000, maxBatches: 400 }));
  }
  if (apiPhasesPaused.includes("payer")) {
    const feed = redisKeys("op").submits;
    await admin.xtrim(feed, "MAXLEN", 0);
    await admin.xgroup("SETID", feed, submitFeed.group, "$");
  }
  for (const name of apiPhasesPaused) stack.signal(name, "SIGCONT");
  if (apiPhasesPaused.includes("notifier")) {
    const caughtUpMs = await relayCaughtUp(admin, 120_000);
    log(`the notifier's relay caught up with the API phases' events in ${caughtUpMs} ms`);
  }
  if (apiPhasesPaused.includes("ledger")) {
    const caughtUpMs = await relayCaughtUp(admin, 180_000, "ledger");
    log(`the ledger caught up with the API phases' events in ${caughtUpMs} ms`);
  }
  if (phases.has("e2e")) {
    log("e2e: intake → payer → sandbox (+20 ms) → webhook; burst of 4,000, then paced…");
    details.e2e = await measured("e2e", () => e2ePhase(ctx, { burstPayments: 4_000, concurrency: 64, capMs: 50_000, pacedDurationMs: 6_000, sandboxLatencyMs: 20 }));
  }
  if (phases.has("notices")) {
    log("notices: 2,000 signed success notices straight to the notifier, 3 subscriptions; then paced…");
    details.notices = await measured("notices", () => noticesPhase(ctx, { blastNotices: 2_000, maxPacedRate: 100, pacedDurationMs: 5_000, subscriptions: 3, concurrency: 32, capMs: 90_000 }));
  }
  if (phases.has("refunds")) {
    log("refunds: payments made and succeeded first; then refund → payer → sandbox (+20 ms, paid out 20 ms later) → notice → webhook; burst of 3,000, then paced…");
    const options = { burstRefunds: 3_000, concurrency: 64, capMs: 50_000, pacedDurationMs: 5_000, maxPacedRate: 500, sandboxLatencyMs: 20 };
    const seed = await measured("refundsSeed", () => seedRefundablePayments(ctx, options));
    details.refunds = await measured("refunds", () => refundsPhase(ctx, seed, options));
  }
  if (phases.has("ledger")) {
    log("ledger: a backlog drained, archived payments seeded into PostgreSQL and read back (lists, report, export), Redis memory at a constant rate…");
    const seedRows = Number(process.env.BENCH_LEDGER_ROWS ?? 1_000_000);
    details.ledger = await measured("ledger", () =>
      ledgerPhase(ctx, { drainEvents: 50_000, seedRows, listRequests: 300, flatRatePerSec: 300, flatDurationMs: 40_000, retentionDays: 0.00005, eventRetentionMs: 5_000 }),
    );
  }
  // Last: calls the time-out fault leaves hanging end only at the payer's deadlines.
  if (phases.has("outage")) {
    log("outage: 180 payments over 60 s while 30 % of gateway calls fail and notices are dropped; then healthy…");
    details.outage = await measured("outage", () => outagePhase(ctx, { failingMs: 60_000, failureRate: 0.3, payments: 180, settleTimeoutMs: 75_000 }));
  }
} catch (err) {
  log(`phase failed: ${(err as Error).stack ?? String(err)}`);
  details.error = String(err);
}
sampler.stop();
admin.disconnect();
await Promise.all([ctx.intake.close(), ctx.notifier.close(), ctx.sandbox.close()]);
stopping = true;
await stack.stop();

const d = details as {
  raw?: { noopJobsPerSec: number };
  rawHttp?: { reqPerSec: number; openLoop: { p99Ms: number } };
  intake?: { reqPerSec: number; closedLoop: { p50Ms: number; p99Ms: number }; openLoop: { p99Ms: number } };
  batch?: { paymentsPerSec: number };
  e2e?: { paymentsPerSec: number; paced: { p99Ms: number; ratePerSec: number }; burst: { p99Ms: number }; ledgerLag: { p99Ms: number; samples: number } };
  notices?: { noticesPerSec: number; deliveriesPerSec: number; paced: { p99Ms: number; ratePerSec: number }; blastNoticeToWebhook: { p99Ms: number } };
  outage?: { secondsToLastSettlement: number | null; payments: number; failingMs: number; failureRate: number; problems: string[] };
};
const rss = Object.fromEntries(sampler.peakMb);
const figures: Figures = {
  "raw.bullmqNoopJobsPerSec": d.raw?.noopJobsPerSec ?? nan,
  "raw.httpNoopReqPerSec": d.rawHttp?.reqPerSec ?? nan,
  "raw.httpNoopP99At1000Ms": d.rawHttp?.openLoop.p99Ms ?? nan,
  "intake.reqPerSec": d.intake?.reqPerSec ?? nan,
  "intake.p50Ms": d.intake?.closedLoop.p50Ms ?? nan,
  "intake.p99Ms": d.intake?.closedLoop.p99Ms ?? nan,
  "intake.p99At1000Ms": d.intake?.openLoop.p99Ms ?? nan,
  "batch.paymentsPerSec": d.batch?.paymentsPerSec ?? nan,
  "e2e.paymentsPerSec": d.e2e?.paymentsPerSec ?? nan,
  "e2e.p99Ms": d.e2e?.paced.p99Ms ?? nan,
  "e2e.ratioToRawBullmq": d.e2e && d.raw ? round(d.e2e.paymentsPerSec / d.raw.noopJobsPerSec, 3) : nan,
  "notices.perSec": d.notices?.noticesPerSec ?? nan,
  "fanout.deliveriesPerSec": d.notices?.deliveriesPerSec ?? nan,
  "fanout.noticeToWebhookP99Ms": d.notices?.paced.p99Ms ?? nan,
  ...refundsFigures(details.refunds as RefundsResult | undefined),
  "outage.secondsToLastSettlement": d.outage?.secondsToLastSettlement ?? nan,
  "memory.maxRssMb": Object.values(rss).length > 0 ? Math.max(...Object.values(rss)) : nan,
  ...(details.ledger ? ledgerFigures(details.ledger as LedgerPhaseResult) : {}),
  // The issue's lag is the one while e2e runs (the ledger phase's, at a constant rate, stays in its details).
  ...(d.e2e ? { "ledger.lagP99Ms": d.e2e.ledgerLag.p99Ms } : {}),
};

// What each phase's CPU is divided by (the notices phase also prepares its payments: left out).
const operations: Record<string, number | undefined> = Object.fromEntries(
  Object.entries(details).map(([phase, result]) => [phase, (result as Partial<CountedPhase> | undefined)?.operations]),
);
const perOperation = cpuPerOperation(cpuByPhase, operations);

const profiles: Record<string, unknown> = {};
if (profile.length > 0) {
  // The main thread's file is the biggest of a process's files (tsx's loader thread idles).
  const files = safeList(profileDir).filter((f) => f.endsWith(".cpuprofile"));
  for (const name of profile) {
    const pid = pids.get(name);
    const mine = files.filter((f) => f.split(".")[3] === String(pid)).sort((a, b) => statSync(join(profileDir, b)).size - statSync(join(profileDir, a)).size);
    if (!mine[0]) continue;
    const path = join(profileDir, mine[0]);
    const summary = summarizeProfile(readProfile(path), 25);
    profiles[name] = { file: path, ...summary };
    log(`profile of ${name}: ${path}: busy ${summary.busyMs} ms, idle ${summary.idlePct} %`);
    for (const o of summary.owners.slice(0, 12)) log(`  owner ${o.selfPct.toString().padStart(5)} %  ${o.name}`);
    for (const f of summary.functions.slice(0, 20)) log(`  fn    ${f.selfPct.toString().padStart(5)} %  ${f.name}`);
  }
}

const resultsDir = join(repoRoot, "bench/results");
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${stamp}.json`);
const notes: Partial<Record<keyof Figures, string>> = {
  "raw.httpNoopReqPerSec": "bare node:http server, 128 connections: the intake's floor on this machine",
  "intake.p50Ms": "closed loop, 128 connections",
  "intake.p99Ms": "closed loop, 128 connections",
  "e2e.p99Ms": d.e2e ? `paced at ${d.e2e.paced.ratePerSec}/s (burst p99 ${d.e2e.burst.p99Ms} ms)` : "",
  "fanout.noticeToWebhookP99Ms": d.notices ? `${d.notices.paced.ratePerSec} notices/s × 3 subscriptions (blast p99 ${d.notices.blastNoticeToWebhook.p99Ms} ms)` : "",
  "outage.secondsToLastSettlement": d.outage
    ? `${d.outage.payments} payments, ${Math.round(d.outage.failureRate * 100)} % of gateway calls failing for ${d.outage.failingMs / 1000} s, notices dropped${d.outage.problems.length ? `; ${d.outage.problems.length} problems` : ""}`
    : "",
  "memory.maxRssMb": Object.entries(rss).map(([k, v]) => `${k} ${v} (${sampler.peakPhase.get(k) ?? "?"})`).join(", "),
  ...(details.ledger ? ledgerNotes(details.ledger as LedgerPhaseResult) : {}),
  ...(details.refunds ? refundsNotes(details.refunds as RefundsResult) : {}),
  ...(d.e2e ? { "ledger.lagP99Ms": `the stack's ledger, sampled every 100 ms through the e2e burst and paced run (${d.e2e.ledgerLag.samples} samples)` } : {}),
};
writeFileSync(
  file,
  `${JSON.stringify(
    {
      startedAt: startedAt.toISOString(),
      durationS: Math.round((performance.now() - t0) / 1000),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart, loadavgAtEnd: loadavg().map((l) => round(l)), node: process.version },
      runtime,
      nodeOptions: process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions,
      heapGrowingPercent: process.env.HEAP_GROWING_PERCENT ?? "default",
      apiPhasesPaused,
      profiled: profile,
      figures,
      rssPeakMb: rss,
      rssPeakPhase: Object.fromEntries(sampler.peakPhase),
      rssIdleMb: Object.fromEntries(sampler.firstMb),
      cpuMsByPhase: cpuByPhase,
      cpuMsPerOperation: perOperation,
      redisForksByPhase,
      redisCommandsByPhase,
      details,
      profiles,
    },
    null,
    2,
  )}\n`,
);
console.log(`\n${markdownTable(figures, notes)}\n`);
if (Object.keys(perOperation).length > 0) console.log(`${cpuPerOperationTable(perOperation, operations)}\n`);
log(`results: ${file}`);
process.exit(details.error ? 1 : 0);

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
