import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@oceanpos/testing";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const stackDir = fileURLToPath(new URL("..", import.meta.url));

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

describe("npm start (the stack launcher)", () => {
  let launcher: ChildProcess | undefined;
  afterEach(() => {
    launcher?.kill("SIGKILL");
  });

  it("brings all four processes up on a redis-server child, and Ctrl-C stops everything within 10 s", async () => {
    const ports = { SANDBOX_PORT: await freePort(), INTAKE_PORT: await freePort(), PAYER_PORT: await freePort(), NOTIFIER_PORT: await freePort() };
    // Nothing answers at this REDIS_URL, so the launcher must start its own redis-server.
    const closedRedisPort = await freePort();
    const seen: string[] = [];
    launcher = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
      cwd: stackDir,
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        REDIS_URL: `redis://127.0.0.1:${closedRedisPort}`,
        STACK_REDIS_DIR: mkdtempSync(join(tmpdir(), "stack-redis-")),
        REDIS_KEY_PREFIX: `stack${process.pid}`,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    launcher.stdout?.on("data", (c: Buffer) => seen.push(c.toString()));
    launcher.stderr?.on("data", (c: Buffer) => seen.push(c.toString()));

    const redisLine = await waitForLine(launcher, /started redis-server at redis:\/\/127\.0\.0\.1:(\d+)/, 30_000, seen);
    const redisPort = Number(/:(\d+) /.exec(redisLine)?.[1]);
    await waitForLine(launcher, /Ctrl-C stops everything/, 60_000, seen);

    for (const port of Object.values(ports)) {
      const res = await request(`http://127.0.0.1:${port}/readyz`);
      expect(res.statusCode, `readyz on ${port}`).toBe(200);
      await res.body.dump();
    }
    expect(seen.join("")).toContain("demo-key");

    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => launcher?.once("exit", (code) => resolve(code)));
    launcher.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const port of [...Object.values(ports), redisPort]) {
      expect(await listening(port), `port ${port} still open after shutdown`).toBe(false);
    }
  }, 90_000);
});
