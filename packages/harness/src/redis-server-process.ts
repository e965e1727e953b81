import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { waitForRedis } from "./wait-for-redis.js";

/** A `redis-server` child process on a free loopback port, with the append-only file on. */
export class RedisServerProcess {
  readonly port: number;
  private readonly dir: string;
  private child: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts `redis-server` (`binary`, default from PATH) on `port` (default: a free one) keeping its
   * data in `dir` (default: a new temporary folder).
   */
  static async start(options: { binary?: string; port?: number; dir?: string } = {}): Promise<RedisServerProcess> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "oceanpos-redis-"));
    const server = new RedisServerProcess(options.port ?? (await freePort()), dir);
    await server.spawn(options.binary ?? "redis-server");
    return server;
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and commands are accepted by the kernel,
   * but nothing is answered or executed until {@link thaw} — a Redis stuck on a slow disk, a long
   * fork or a paused VM. Commands sent meanwhile run once it is thawed.
   */
  freeze(): void {
    const child = this.running("freeze");
    child.kill("SIGSTOP");
    this.frozen = true;
  }

  /** Resumes a frozen server (SIGCONT); it then runs what it received meanwhile. Safe when not frozen. */
  thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
    this.child?.kill("SIGCONT");
  }

  /** Stops the server: `hard` is SIGKILL (a crash, also of a frozen server), otherwise SIGTERM (a clean shutdown). */
  async stop(options: { hard?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(options.hard ? "SIGKILL" : "SIGTERM");
    // A frozen process keeps SIGTERM pending: let it run to handle it.
    if (!options.hard) this.thaw();
    await exited;
    this.frozen = false;
    this.child = undefined;
  }

  /** Stops and starts again on the same port and data directory: data in the AOF survives. */
  async restart(options: { hard?: boolean } = {}): Promise<void> {
    await this.stop(options);
    await this.spawn(this.binary);
  }

  /** Stops the server and deletes its data directory. */
  async destroy(): Promise<void> {
    await this.stop({ hard: true });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private binary = "redis-server";
  private frozen = false;

  private running(action: string): ChildProcess {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`cannot ${action} redis-server: it is not running`);
    return child;
  }

  private async spawn(binary: string): Promise<void> {
    this.binary = binary;
    const args = [
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      "--dir", this.dir,
      "--appendonly", "yes",
      "--appendfsync", "always",
      "--save", "",
      "--maxmemory-policy", "noeviction",
      "--daemonize", "no",
      "--loglevel", "warning",
    ];
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const failed = new Promise<never>((_, reject) => {
      child.once("error", (err) =>
        reject(
          new Error(
            `cannot start ${binary} (${err.message}). Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis.`,
          ),
        ),
      );
      child.once("exit", (code) => reject(new Error(`${binary} exited with code ${code}: ${stderr.trim()}`)));
    });
    await Promise.race([waitForRedis(this.url, 10_000), failed]);
    child.removeAllListeners("exit");
    child.unref();
  }
}
