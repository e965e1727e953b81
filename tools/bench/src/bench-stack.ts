import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PostgresServerProcess, RedisServerProcess, freePort } from "@oceanpos/harness";
import { Redis } from "ioredis";
import { request } from "undici";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The Dockerfile's `ENV NODE_OPTIONS`: the services run with it here as in the image. */
export const imageNodeOptions = "--max-semi-space-size=8";

/**
 * How long after applyRefund the bench's sandbox pays a refund out and sends its notice
 * (SANDBOX_REFUND_MS, default 1 s: Oceanpayment's wait, compressed): the gateway latency the
 * payment phases add, so that the refunds figures measure the pipeline, not a chosen wait.
 */
export const benchRefundMs = 20;

export type ServiceName = "sandbox" | "intake" | "payer" | "notifier" | "ledger";

const serviceDirs: Record<ServiceName, string> = {
  sandbox: "packages/sandbox",
  intake: "services/intake",
  payer: "services/payer",
  notifier: "services/notifier",
  ledger: "services/ledger",
};

export interface BenchStackOptions {
  /** Services started with `--cpu-prof` (profiles land in `profileDir`). */
  profile: readonly ServiceName[];
  profileDir: string;
  /** Extra environment for every child (after the bench defaults). */
  env?: Record<string, string>;
  /** `compiled` (default): `node dist/main.js` as the Docker image runs it; `tsx`: the sources, as `npm start` does. */
  runtime: "compiled" | "tsx";
  log: (line: string) => void;
}

/**
 * The bench's own world: a `redis-server` child (AOF on, `appendfsync everysec` as in
 * docker-compose.yml), an embedded PostgreSQL for the ledger, and the five services (the ledger
 * archiving the stack's events as in production) as child processes on free ports, started like
 * the Docker image does (`node dist/main.js`, built by turbo before the bench runs) or, with
 * `runtime: "tsx"`, as `npm start` does. Nothing is shared with a developer's stack.
 */
export class BenchStack {
  readonly ports: Record<ServiceName, number>;
  readonly redis: RedisServerProcess;
  readonly postgres: PostgresServerProcess;
  readonly children = new Map<ServiceName, ChildProcess>();
  private readonly workDir: string;
  private readonly o: BenchStackOptions;
  private stopped: Promise<void> | undefined;

  private constructor(o: BenchStackOptions, redis: RedisServerProcess, postgres: PostgresServerProcess, ports: Record<ServiceName, number>, workDir: string) {
    this.o = o;
    this.redis = redis;
    this.postgres = postgres;
    this.ports = ports;
    this.workDir = workDir;
  }

  static async start(o: BenchStackOptions): Promise<BenchStack> {
    const workDir = mkdtempSync(join(tmpdir(), "oceanpos-bench-"));
    const redisDir = join(workDir, "redis");
    mkdirSync(redisDir);
    const redis = await RedisServerProcess.start({ dir: redisDir });
    // RedisServerProcess fsyncs on every write (tests want durability proofs); production runs
    // the docker-compose setting, which is what a benchmark must measure.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    await admin.config("SET", "appendfsync", "everysec");
    await admin.quit();
    const postgres = await PostgresServerProcess.start().catch(async (err: unknown) => {
      await redis.destroy();
      throw err;
    });
    const ports = { sandbox: await freePort(), intake: await freePort(), payer: await freePort(), notifier: await freePort(), ledger: await freePort() };
    const stack = new BenchStack(o, redis, postgres, ports, workDir);
    try {
      stack.spawnAll();
      await Promise.all((Object.keys(ports) as ServiceName[]).map((name) => stack.waitReady(name, 90_000)));
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  pid(name: ServiceName): number | undefined {
    return this.children.get(name)?.pid;
  }

  /** Signals a running service: SIGSTOP and SIGCONT pause it while a phase measures another alone. */
  signal(name: ServiceName, signal: NodeJS.Signals): void {
    this.children.get(name)?.kill(signal);
  }

  /** SIGTERM every child (graceful: CPU profiles are written on exit), SIGKILL after 15 s; then Redis and PostgreSQL. Safe twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      // The redis-server child is unref'd: keep the loop alive until it has really exited.
      const keepAlive = setInterval(() => {}, 1_000);
      const running = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
      const exited = running.map((c) => new Promise<void>((resolve) => c.once("exit", () => resolve())));
      // SIGCONT first: a phase may have stopped one (SIGSTOP), which would hold the SIGTERM.
      for (const c of running) {
        c.kill("SIGCONT");
        c.kill("SIGTERM");
      }
      const deadline = setTimeout(() => {
        for (const c of running) c.kill("SIGKILL");
      }, 15_000);
      await Promise.all(exited);
      clearTimeout(deadline);
      await Promise.all([this.redis.destroy(), this.postgres.destroy()]);
      rmSync(this.workDir, { recursive: true, force: true });
      clearInterval(keepAlive);
    })();
    return this.stopped;
  }

  private spawnAll(): void {
    const storesFile = this.writeStoresFile();
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      REDIS_URL: this.redis.url,
      STORES_FILE: storesFile,
      INIT_CWD: repoRoot,
      SANDBOX_PORT: String(this.ports.sandbox),
      INTAKE_PORT: String(this.ports.intake),
      PAYER_PORT: String(this.ports.payer),
      NOTIFIER_PORT: String(this.ports.notifier),
      LEDGER_PORT: String(this.ports.ledger),
      DATABASE_URL: this.postgres.url(),
      // The ledger's daily reconciliation would page through the sandbox mid-run.
      RECONCILIATION_AT: "off",
      OCEANPAYMENT_GATEWAY_URL: this.url("sandbox"),
      OCEANPAYMENT_QUERY_URL: this.url("sandbox"),
      NOTICE_URL: `${this.url("notifier")}/oceanpayment/notice`,
      ALLOW_PRIVATE_WEBHOOK_URLS: "true",
      // The per-terminal gateway limit (default 50/s) and the per-store API limit are business
      // settings, not capacity: the bench lifts them to measure the software (see docs/performance.md).
      GATEWAY_RATE_PER_TERMINAL: "1000000",
      GATEWAY_BURST_PER_TERMINAL: "100000",
      // The intake and batch phases leave tens of thousands of payments `accepted` with their jobs
      // dropped (docs/performance.md): the recovery sweep would re-queue them all into the e2e phase.
      RECOVERY_SWEEP_INTERVAL_MS: "3600000",
      SANDBOX_REFUND_MS: String(benchRefundMs),
      ...this.o.env,
    };
    // The services run with the image's NODE_OPTIONS, not the bench's own; BENCH_NODE_OPTIONS
    // replaces them with flags to try (e.g. --max-old-space-size, docs/performance.md; "" for none).
    env.NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions;
    for (const name of Object.keys(serviceDirs) as ServiceName[]) {
      const profiling = this.o.profile.includes(name);
      const args = [
        // One file per thread (tsx runs its loader in a worker): CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile.
        ...(profiling ? ["--cpu-prof", `--cpu-prof-dir=${this.o.profileDir}`] : []),
        ...(this.o.runtime === "tsx" ? ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"] : ["dist/main.js"]),
      ];
      if (profiling) mkdirSync(this.o.profileDir, { recursive: true });
      const child = spawn(process.execPath, args, { cwd: join(repoRoot, serviceDirs[name]), env, stdio: ["ignore", "pipe", "pipe"] });
      this.children.set(name, child);
      for (const stream of [child.stdout, child.stderr]) {
        if (stream) createInterface({ input: stream }).on("line", (line) => this.o.log(`[${name}] ${line.slice(0, 400)}`));
      }
      child.on("exit", (code, signal) => {
        if (!this.stopped) this.o.log(`[${name}] exited unexpectedly (${signal ?? `code ${code}`})`);
      });
    }
  }

  /** The example stores (keys demo-key, demo-key-2) with the per-store API limit lifted. */
  private writeStoresFile(): string {
    const example = JSON.parse(readFileSync(join(repoRoot, "config/stores.example.json"), "utf8")) as { stores: { rateLimit?: unknown }[] };
    for (const store of example.stores) store.rateLimit = { perSecond: 1_000_000, burst: 1_000_000 };
    const file = join(this.workDir, "stores.bench.json");
    writeFileSync(file, JSON.stringify(example, null, 2));
    return file;
  }

  private async waitReady(name: ServiceName, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const child = this.children.get(name);
    for (;;) {
      if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${name} exited during start-up`);
      try {
        const res = await request(`${this.url(name)}/readyz`, { headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

