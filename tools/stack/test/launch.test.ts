import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "@oceanpos/harness";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const stackDir = fileURLToPath(new URL("..", import.meta.url));
const intakeSource = fileURLToPath(new URL("../../../services/intake/src/app.ts", import.meta.url));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, seen: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${seen.join("")}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      const match = text.split("\n").find((l) => pattern.test(l));
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(match);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited (${code}) before ${pattern}; output:\n${seen.join("")}`));
    });
  });
}

type Ports = Record<"SANDBOX_PORT" | "INTAKE_PORT" | "PAYER_PORT" | "NOTIFIER_PORT" | "LEDGER_PORT", number>;

/** Folders the launchers kept their data in, deleted after each test. */
const dataDirs: string[] = [];

/**
 * Starts the launcher (with `args`) on free ports, against a REDIS_URL and a DATABASE_URL where
 * nothing answers.
 */
async function launch(args: string[], seen: string[]): Promise<{ launcher: ChildProcess; ports: Ports }> {
  const ports: Ports = {
    SANDBOX_PORT: await freePort(),
    INTAKE_PORT: await freePort(),
    PAYER_PORT: await freePort(),
    NOTIFIER_PORT: await freePort(),
    LEDGER_PORT: await freePort(),
  };
  // Nothing answers at this REDIS_URL nor at this DATABASE_URL, so the launcher must start its
  // own redis-server and its own embedded PostgreSQL.
  const closedRedisPort = await freePort();
  const closedPostgresPort = await freePort();
  const redisDir = mkdtempSync(join(tmpdir(), "stack-redis-"));
  // The folder itself: as root the server runs as `postgres`, which cannot enter a folder inside mkdtemp's (0700).
  const pgDir = mkdtempSync(join(tmpdir(), "stack-pg-"));
  dataDirs.push(redisDir, pgDir);
  const launcher = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts", ...args], {
    cwd: stackDir,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      REDIS_URL: `redis://127.0.0.1:${closedRedisPort}`,
      STACK_REDIS_DIR: redisDir,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPostgresPort}/oceanpos`,
      STACK_PG_DIR: pgDir,
      REDIS_KEY_PREFIX: `stack${process.pid}`,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  launcher.stdout?.on("data", (c: Buffer) => seen.push(c.toString()));
  launcher.stderr?.on("data", (c: Buffer) => seen.push(c.toString()));
  return { launcher, ports };
}

async function readyz(port: number): Promise<number> {
  const res = await request(`http://127.0.0.1:${port}/readyz`);
  await res.body.dump();
  return res.statusCode;
}

/** Ctrl-C: the launcher exits 0 within 10 s and nothing listens on `ports` any more. */
async function stopAndExpectClosed(launcher: ChildProcess, ports: number[]): Promise<void> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));
  launcher.kill("SIGINT");
  expect(await exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  for (const port of ports) expect(await listening(port), `port ${port} still open after shutdown`).toBe(false);
}

describe("npm start (the stack launcher)", () => {
  let launcher: ChildProcess | undefined;
  // After a failure: Ctrl-C first, so that the launcher stops its services and Redis (a SIGKILL
  // alone would leave them running), then SIGKILL if it has not exited within 10 s.
  afterEach(async () => {
    const running = launcher;
    launcher = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGINT");
    const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }, 15_000);
  afterEach(() => {
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("brings all five processes up on a redis-server child and an embedded PostgreSQL, and Ctrl-C stops everything within 10 s", async () => {
    const seen: string[] = [];
    const started = await launch([], seen);
    launcher = started.launcher;
    const { ports } = started;

    const redisLine = await waitForLine(launcher, /started redis-server at redis:\/\/127\.0\.0\.1:(\d+)/, 30_000, seen);
    const redisPort = Number(/:(\d+) /.exec(redisLine)?.[1]);
    const pgLine = await waitForLine(launcher, /started an embedded PostgreSQL at postgres:\/\/postgres:postgres@127\.0\.0\.1:(\d+)\/oceanpos/, 60_000, seen);
    const pgPort = Number(/127\.0\.0\.1:(\d+)\//.exec(pgLine)?.[1]);
    await waitForLine(launcher, /Ctrl-C stops everything/, 90_000, seen);

    for (const port of Object.values(ports)) expect(await readyz(port), `readyz on ${port}`).toBe(200);
    // The ledger migrated the embedded database and answers a back-office read.
    const list = await request(`http://127.0.0.1:${ports.LEDGER_PORT}/v1/payments`, { headers: { authorization: "Bearer demo-admin" } });
    expect(list.statusCode).toBe(200);
    expect(await list.body.json()).toEqual({ data: [], nextCursor: null });
    expect(seen.join("")).toContain("demo-key");
    expect(seen.join("")).toContain(`http://127.0.0.1:${ports.LEDGER_PORT}/v1/reports/daily`);

    await stopAndExpectClosed(launcher, [...Object.values(ports), redisPort, pgPort]);
  }, 150_000);

  it("npm run dev (--watch): a service restarts when a source file it loaded changes, and the stack stays up", async () => {
    const seen: string[] = [];
    const started = await launch(["--watch"], seen);
    launcher = started.launcher;
    const { ports } = started;
    await waitForLine(launcher, /Watching: a service restarts/, 90_000, seen);

    // A new modification time is a change to node --watch; the content stays as it is.
    const now = new Date();
    utimesSync(intakeSource, now, now);
    await waitForLine(launcher, /intake .*Restarting/, 20_000, seen);
    await waitFor(async () => (await readyz(ports.INTAKE_PORT).catch(() => 0)) === 200, { timeoutMs: 30_000, intervalMs: 100, message: "the restarted intake to be ready" });

    expect(launcher.exitCode, "the launcher must still run").toBeNull();
    for (const port of [ports.SANDBOX_PORT, ports.PAYER_PORT, ports.NOTIFIER_PORT, ports.LEDGER_PORT]) expect(await readyz(port), `readyz on ${port}`).toBe(200);

    // The watchers pass Ctrl-C on to their services: nothing is left running.
    await stopAndExpectClosed(launcher, Object.values(ports));
  }, 150_000);
});
