import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type TestPostgres, type TestRedis, freePort, provisionPostgres, provisionRedis, waitFor } from "@oceanpos/testing";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export const adminToken = "demo-admin";
export const storeKey = "demo-key";

/**
 * The whole stack as `npm start` runs it (tools/stack: sandbox, intake, payer, notifier, ledger as
 * child processes), on free ports, on the suite's own Redis and PostgreSQL, with webhook retries
 * and sandbox refunds compressed so a dead letter and a succeeded refund take seconds.
 */
export class Stack {
  private output: string[] = [];

  private constructor(
    private readonly launcher: ChildProcess,
    private readonly redis: TestRedis,
    private readonly postgres: TestPostgres,
    readonly urls: { intake: string; notifier: string; ledger: string; sandbox: string },
  ) {}

  /** `env`: settings of the suite's own on top of these (e.g. a short settlement window). */
  static async start(env: Record<string, string> = {}): Promise<Stack> {
    const redis = await provisionRedis(process.env, { suite: "console browser suite" });
    const postgres = await provisionPostgres();
    const ports = { SANDBOX_PORT: await freePort(), INTAKE_PORT: await freePort(), PAYER_PORT: await freePort(), NOTIFIER_PORT: await freePort(), LEDGER_PORT: await freePort() };
    const launcher = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
      cwd: `${repoRoot}tools/stack`,
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        NODE_ENV: "development",
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `console${randomBytes(4).toString("hex")}`,
        DATABASE_URL: postgres.url,
        ADMIN_TOKEN: adminToken,
        LOG_LEVEL: "warn",
        // Five services compiled by tsx on a machine that may be busy with other suites.
        STACK_READY_TIMEOUT_MS: "180000",
        // Eight failed attempts in about a second, then the dead letter.
        WEBHOOK_RETRY_SCALE: "0.00001",
        SUBSCRIPTION_REFRESH_MS: "200",
        SANDBOX_REFUND_MS: "500",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const u = (port: number) => `http://127.0.0.1:${port}`;
    const stack = new Stack(launcher, redis, postgres, { intake: u(ports.INTAKE_PORT), notifier: u(ports.NOTIFIER_PORT), ledger: u(ports.LEDGER_PORT), sandbox: u(ports.SANDBOX_PORT) });
    launcher.stdout?.on("data", (c: Buffer) => stack.output.push(c.toString()));
    launcher.stderr?.on("data", (c: Buffer) => stack.output.push(c.toString()));
    try {
      await waitFor(
        () => {
          if (launcher.exitCode !== null || launcher.signalCode !== null) throw new Error(`npm start's launcher exited (${launcher.signalCode ?? launcher.exitCode})`);
          return stack.log().includes("Ctrl-C stops everything");
        },
        {
        timeoutMs: 240_000,
        intervalMs: 200,
        message: "the stack to be ready (npm start's launcher)",
        },
      );
      if (!stack.log().includes(`Operator console: ${stack.urls.ledger}/console`)) throw new Error("npm start did not print the console's URL");
    } catch (err) {
      await stack.stop();
      throw new Error(`${(err as Error).message}; launcher output:\n${stack.log()}`);
    }
    return stack;
  }

  log(): string {
    return this.output.join("");
  }

  /** Ctrl-C, as a user stops `npm start`; then the suite's databases go. */
  async stop(): Promise<void> {
    if (this.launcher.exitCode === null && this.launcher.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.launcher.once("exit", () => resolve()));
      this.launcher.kill("SIGINT");
      const timer = setTimeout(() => this.launcher.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await this.postgres.dispose();
    await this.redis.dispose();
  }

  /** Sets the sandbox's fault injection (`POST /sandbox/faults`), or clears it with `undefined`. */
  async faults(settings: Record<string, number | boolean> | undefined): Promise<void> {
    await this.call(this.urls.sandbox, "/sandbox/faults", adminToken, settings ? { method: "POST", body: settings } : { method: "DELETE" });
  }

  /** A JSON call to one of the stack's APIs, failing the test on anything but 2xx. */
  async call<T>(base: string, path: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
