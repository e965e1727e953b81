import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { sleep } from "./http-client.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface ServiceSpec {
  /** `payer-1`, `notifier-2`, … (also the log file name). */
  name: string;
  /** Workspace folder relative to the repository root; its `src/main.ts` is started. */
  dir: string;
  port: number;
  env: Record<string, string>;
}

/**
 * One service as a child process, started the way `npm start` does (TypeScript sources through
 * tsx), its output appended to `<logDir>/<name>.log`. Can be SIGKILLed and started again on the
 * same port with the same environment.
 */
export class ServiceProcess {
  readonly spec: ServiceSpec;
  starts = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    spec: ServiceSpec,
    private readonly logDir: string,
  ) {
    this.spec = spec;
  }

  get name(): string {
    return this.spec.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and resolves once `GET /readyz` answers 200. */
  async start(readyTimeoutMs = 90_000): Promise<void> {
    if (this.running) return;
    const log = openSync(join(this.logDir, `${this.spec.name}.log`), "a");
    const child = spawn(process.execPath, ["--conditions=@oceanpos/source", "--import", "tsx", "src/main.ts"], {
      cwd: join(repoRoot, this.spec.dir),
      env: { ...process.env, ...this.spec.env },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    this.child = child;
    this.starts++;
    let exitInfo: string | undefined;
    this.exited = new Promise<void>((resolve) =>
      child.once("exit", (code, signal) => {
        exitInfo = signal ?? `code ${code}`;
        resolve();
      }),
    );
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (exitInfo !== undefined) throw new Error(`${this.name} exited during start-up (${exitInfo}); see ${this.spec.name}.log`);
      if (await answers200(`${this.url}/readyz`)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready within ${readyTimeoutMs} ms`);
      await sleep(150);
    }
  }

  /** Sends `signal` (default SIGKILL: a crash) and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exited;
  }

  /** SIGTERM, SIGKILL after `deadlineMs`. Safe to call twice. */
  async stop(deadlineMs = 8_000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), deadlineMs);
    this.child?.kill("SIGTERM");
    await this.exited;
    clearTimeout(timer);
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}
