import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Payment, PaymentStore } from "@oceanpos/core/payments";
import { redisKeys, streamGroupBacklog } from "@oceanpos/core/redis";
import { PostgresServerProcess, freePort, waitFor } from "@oceanpos/harness";
import { Redis } from "ioredis";
import { request } from "undici";
import { imageNodeOptions, repoRoot } from "../bench-stack.js";
import { rssMb } from "../rss-sampler.js";
import { percentile, ratePerSec, round, summarize } from "../stats.js";
import { type BenchContext, adminToken, sleep } from "./context.js";

export interface LedgerPhaseOptions {
  /** Payments created (one event each) before the ledger starts: the drain's backlog. */
  drainEvents: number;
  /** Archived payments seeded straight into PostgreSQL for lists, reports and the export. */
  seedRows: number;
  /** List requests timed (sequential). */
  listRequests: number;
  /** Payments per second pushed through the real Lua scripts while Redis memory is sampled. */
  flatRatePerSec: number;
  flatDurationMs: number;
  /** PAYMENT_RETENTION_DAYS and EVENT_RETENTION_MS of that run, compressed. */
  retentionDays: number;
  eventRetentionMs: number;
}

export interface LedgerPhaseResult {
  operations: number;
  runtime: "compiled" | "tsx";
  drain: { events: number; ms: number; eventsPerSec: number };
  seed: { rows: number; ms: number };
  list: { p50Ms: number; p99Ms: number; count: number };
  dailyReport: { ms: number[]; maxMs: number };
  export: { rows: number; ms: number; rowsPerSec: number; peakRssMb: number };
  flat: { ratePerSec: number; payments: number; usedMemoryMb: number[]; lagP99Ms: number; lagSamples: number; removedFromRedis: number };
}

/** The figures of the ledger, with the targets (report.ts shows them with the others). */
export interface LedgerFigures {
  "ledger.drainEventsPerSec": number;
  "ledger.lagP99Ms": number;
  "ledger.listP99Ms": number;
  "ledger.dailyReportMs": number;
  "ledger.exportRowsPerSec": number;
  "ledger.exportRssMb": number;
  "redis.usedMemoryMb": number;
}

export const ledgerTargets = {
  "ledger.drainEventsPerSec": { op: ">=", value: 10_000 },
  "ledger.lagP99Ms": { op: "<=", value: 1_000 },
  "ledger.listP99Ms": { op: "<=", value: 50 },
  "ledger.dailyReportMs": { op: "<=", value: 1_000 },
  "ledger.exportRowsPerSec": { op: ">=", value: 100_000 },
  "ledger.exportRssMb": { op: "<=", value: 200 },
} as const;

export function ledgerFigures(r: LedgerPhaseResult): LedgerFigures {
  return {
    "ledger.drainEventsPerSec": r.drain.eventsPerSec,
    "ledger.lagP99Ms": r.flat.lagP99Ms,
    "ledger.listP99Ms": r.list.p99Ms,
    "ledger.dailyReportMs": r.dailyReport.maxMs,
    "ledger.exportRowsPerSec": r.export.rowsPerSec,
    "ledger.exportRssMb": r.export.peakRssMb,
    "redis.usedMemoryMb": r.flat.usedMemoryMb.at(-1) ?? Number.NaN,
  };
}

export function ledgerNotes(r: LedgerPhaseResult): Partial<Record<keyof LedgerFigures, string>> {
  const mem = r.flat.usedMemoryMb;
  return {
    "ledger.drainEventsPerSec": `${r.drain.events.toLocaleString("en-US")} events backlogged, then drained (${r.runtime})`,
    "ledger.lagP99Ms": `sampled every 100 ms while ${r.flat.ratePerSec}/s payments flowed through the Lua scripts (not the e2e phase)`,
    "ledger.listP99Ms": `${r.list.count} list pages on ${r.seed.rows.toLocaleString("en-US")} seeded rows`,
    "ledger.dailyReportMs": `max of ${r.dailyReport.ms.join(", ")} ms`,
    "ledger.exportRowsPerSec": `${r.export.rows.toLocaleString("en-US")} rows in ${r.export.ms} ms`,
    "ledger.exportRssMb": "the ledger's peak RSS during the export",
    "redis.usedMemoryMb": `every ${Math.round(mem.length > 0 ? r.flat.payments / mem.length : 0)} payments: ${mem.join(", ")} MB; ${r.flat.removedFromRedis} payments left Redis (retention compressed to seconds)`,
  };
}

const prefix = "bl";
const storeId = "demo-store";

/**
 * The ledger's figures, in a world of its own next to the bench stack: an embedded PostgreSQL,
 * a ledger process on the bench's Redis under its own key prefix (the stack's payer never sees
 * these payments), compressed retention. Steps: a backlog of events drained; archived payments
 * seeded straight into PostgreSQL (the ledger's seed CLI) and read back through lists, the daily
 * report and a full CSV export (the ledger's RSS sampled); then payments at a constant rate through
 * the real Lua scripts while Redis's memory and the ledger's lag are sampled.
 */
export async function ledgerPhase(ctx: BenchContext, o: LedgerPhaseOptions): Promise<LedgerPhaseResult> {
  const pg = await PostgresServerProcess.start();
  const redis = new Redis(ctx.stack.redis.url, { maxRetriesPerRequest: 1 });
  const keys = redisKeys(prefix);
  const store = new PaymentStore({ redis, keyPrefix: prefix, eventRetentionMs: o.eventRetentionMs });
  let child: ChildProcess | undefined;
  try {
    // The drain's backlog: payments created (one event each) before any ledger runs.
    const run = `${ctx.run}L`;
    for (let i = 0; i < o.drainEvents; i += 500) {
      const n = Math.min(500, o.drainEvents - i);
      await store.createMany(Array.from({ length: n }, (_, k) => newPayment(`${run}D${i + k}`)));
    }
    const port = await freePort();
    const compiled = join(repoRoot, "services/ledger/dist/main.js");
    const runtime = existsSync(compiled) ? "compiled" : "tsx";
    child = spawn(process.execPath, runtime === "compiled" ? [compiled] : ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
      cwd: join(repoRoot, "services/ledger"),
      env: {
        ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn", NODE_OPTIONS: imageNodeOptions, INIT_CWD: repoRoot,
        REDIS_URL: ctx.stack.redis.url, REDIS_KEY_PREFIX: prefix, DATABASE_URL: pg.url(), LEDGER_PORT: String(port), ADMIN_TOKEN: adminToken,
        PAYMENT_RETENTION_DAYS: String(o.retentionDays), LEDGER_RETENTION_SWEEP_INTERVAL_MS: "500",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const ledger = `http://127.0.0.1:${port}`;
    const drain = await measureDrain(redis, keys.events, o.drainEvents);
    ctx.log(`ledger: drained ${drain.events} events at ${drain.eventsPerSec}/s`);
    await waitFor(async () => (await request(`${ledger}/readyz`).then((r) => r.statusCode, () => 0)) === 200, { timeoutMs: 60_000, message: "the ledger ready" });

    const seedStarted = Date.now();
    await seed(pg.url(), o.seedRows);
    const seedMs = Date.now() - seedStarted;
    ctx.log(`ledger: seeded ${o.seedRows} archived payments in ${seedMs} ms`);

    const list = await measureLists(ledger, o.listRequests);
    const dailyReport = await measureDailyReport(ledger);
    const exported = await measureExport(ledger, child.pid);
    ctx.log(`ledger: list p99 ${list.p99Ms} ms, daily report ${dailyReport.maxMs} ms, export ${exported.rowsPerSec} rows/s at ${exported.peakRssMb} MB`);

    const flat = await measureFlatMemory(store, redis, keys, o);
    return { operations: o.drainEvents + o.seedRows + flat.payments, runtime, drain, seed: { rows: o.seedRows, ms: seedMs }, list, dailyReport, export: exported, flat };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      child.kill("SIGKILL");
    }
    redis.disconnect();
    await pg.destroy();
  }
}

function newPayment(orderNumber: string) {
  const at = new Date().toISOString();
  const payment: Payment = {
    orderNumber, storeId, mode: "merchant_scan", method: "WeChatPay_Offline", amount: "12.50", currency: "USD", status: "accepted", version: 1,
    createdAt: at, updatedAt: at, history: [{ status: "accepted", at, source: "intake" }],
  };
  return { account: "995149", orderNumber, payment, requestHash: "bench" };
}

/** From the first entry the group reads to the last one committed: the drain's own rate, start-up and migrations left out. */
async function measureDrain(redis: Redis, eventsKey: string, events: number) {
  let first: number | undefined;
  let last = 0;
  await waitFor(
    async () => {
      const backlog = await streamGroupBacklog(redis, eventsKey, "ledger").catch(() => undefined);
      if (!backlog) return false;
      if (first === undefined && backlog.unread < events) first = Date.now();
      last = Date.now();
      return backlog.unread === 0 && backlog.pending === 0;
    },
    { timeoutMs: 300_000, intervalMs: 10, message: "the ledger to drain its backlog" },
  );
  const ms = last - (first ?? last);
  return { events, ms, eventsPerSec: ratePerSec(events, ms) };
}

/** The ledger's seed CLI (as an operator runs it): rows straight into PostgreSQL, vacuumed and analyzed. */
async function seed(databaseUrl: string, rows: number): Promise<void> {
  const cli = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/cli/seed.ts", "--count", String(rows), "--days", "30"], {
    cwd: join(repoRoot, "services/ledger"),
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const code = await new Promise<number | null>((resolve) => cli.once("exit", resolve));
  if (code !== 0) throw new Error(`the seed CLI exited with ${code}`);
}

const auth = { authorization: `Bearer ${adminToken}` };

/** Pages as a back office reads them: the first pages of a few filters, then cursors deeper in. */
async function measureLists(ledger: string, count: number) {
  const queries = ["limit=50", "status=succeeded&limit=50", `storeId=${storeId}&limit=50`, "method=Alipay_Offline&limit=100", "order=asc&limit=50", "orderNumber=SEED&limit=20"];
  const samples: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < count; i++) {
    const query: string = cursor && i % 3 === 0 ? `limit=50&cursor=${encodeURIComponent(cursor)}` : (queries[i % queries.length] as string);
    const started = performance.now();
    const res = await request(`${ledger}/v1/payments?${query}`, { headers: auth });
    const body = (await res.body.json()) as { nextCursor?: string | null };
    samples.push(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`list ${query} answered ${res.statusCode}`);
    if (query === "limit=50" || query.includes("cursor=")) cursor = body.nextCursor ?? null;
  }
  const s = summarize(samples);
  return { p50Ms: s.p50Ms, p99Ms: s.p99Ms, count };
}

async function measureDailyReport(ledger: string) {
  // Yesterday in the gateway's zone: a full day of the seeded month.
  const date = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() - 86_400_000));
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const res = await request(`${ledger}/v1/reports/daily?date=${date}`, { headers: auth });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`daily report answered ${res.statusCode}`);
    ms.push(round(performance.now() - started, 1));
  }
  return { ms, maxMs: Math.max(...ms) };
}

async function measureExport(ledger: string, pid: number | undefined) {
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    const mb = pid === undefined ? undefined : rssMb(pid);
    if (mb !== undefined && mb > peakRssMb) peakRssMb = mb;
  }, 100);
  const started = performance.now();
  let newlines = 0;
  try {
    const res = await request(`${ledger}/v1/payments/export`, { headers: auth });
    if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}`);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const ms = Math.round(performance.now() - started);
  const rows = newlines - 1;
  return { rows, ms, rowsPerSec: ratePerSec(rows, ms), peakRssMb: round(peakRssMb, 1) };
}

/**
 * Payments at a constant rate (created, then submitting, then succeeded: three events each)
 * through the real scripts while the ledger archives and its sweep removes them: Redis's
 * used_memory every tenth of the run, and the ledger's lag (the age of the oldest entry at or
 * after its committed position) every 100 ms.
 */
async function measureFlatMemory(store: PaymentStore, redis: Redis, keys: ReturnType<typeof redisKeys>, o: LedgerPhaseOptions) {
  const usedMemoryMb: number[] = [];
  const removedBefore = await redis.zcard(keys.finalIndex);
  let created = 0;
  const started = Date.now();
  const lag = sampleLedgerLag(redis, keys);
  const memTimer = setInterval(() => {
    void redis.info("memory").then((info) => {
      const used = /used_memory:(\d+)/.exec(info)?.[1];
      if (used) usedMemoryMb.push(round(Number(used) / 1024 / 1024, 1));
    });
  }, Math.max(500, Math.round(o.flatDurationMs / 10)));
  try {
    const pay = async (orderNumber: string) => {
      const p = newPayment(orderNumber);
      await store.create(p);
      await store.transition(p, { to: "submitting", source: "payer" });
      await store.transition(p, { to: "succeeded", source: "payer", code: "80000", set: { paymentId: `P${orderNumber}` } });
    };
    const inFlight = new Set<Promise<void>>();
    while (Date.now() - started < o.flatDurationMs) {
      const due = Math.floor(((Date.now() - started) / 1000) * o.flatRatePerSec);
      while (created < due) {
        const job = pay(`FLAT${started.toString(36)}${created++}`).finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      await sleep(10);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(memTimer);
  }
  const lags = lag.stop();
  const stillFinal = await redis.zcard(keys.finalIndex);
  return {
    ratePerSec: o.flatRatePerSec,
    payments: created,
    usedMemoryMb,
    lagP99Ms: lags.p99Ms,
    lagSamples: lags.samples,
    removedFromRedis: Math.max(0, removedBefore + created - stillFinal),
  };
}

/**
 * The ledger's lag, sampled every 100 ms until `stop()`: the age of the oldest stream entry at or
 * above its committed position (0 when it has committed everything). `stop()` gives the p99.
 */
export function sampleLedgerLag(redis: Redis, keys: ReturnType<typeof redisKeys>): { stop: () => { p99Ms: number; samples: number } } {
  const lags: number[] = [];
  const timer = setInterval(() => {
    void (async () => {
      const below = await redis.get(keys.archivedBelow);
      const next = (await redis.xrange(keys.events, below ?? "-", "+", "COUNT", 1))[0]?.[0];
      lags.push(next ? Math.max(0, Date.now() - Number(next.split("-")[0])) : 0);
    })().catch(() => undefined);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      const sorted = [...lags].sort((a, b) => a - b);
      return { p99Ms: round(percentile(sorted, 99), 1), samples: lags.length };
    },
  };
}
