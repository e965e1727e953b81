import pg from "pg";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type ProvisionPostgresOptions, type TestPostgres, provisionPostgres } from "./provision-postgres.js";

export interface PostgresFixture {
  /** The suite's server and database. */
  readonly server: TestPostgres;
  /** The suite's database URL (`DATABASE_URL` for what is under test). */
  readonly url: string;
  /** A pool on the suite's database, ended after the test. */
  pool(): pg.Pool;
}

/**
 * Provisions a database of the suite's own (see {@link provisionPostgres}) before its tests and
 * drops it after them; pools handed out are ended after each test. Tests of one suite share the
 * database: each keeps to its own rows (store ids, key prefixes) or truncates what it uses.
 */
export function usePostgres(options: ProvisionPostgresOptions = {}): PostgresFixture {
  let server: TestPostgres | undefined;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    server = await provisionPostgres(options);
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end().catch(() => undefined)));
  });

  const fixture: PostgresFixture = {
    get server() {
      if (!server) throw new Error("usePostgres(): the database is only available inside tests and hooks");
      return server;
    },
    get url() {
      return fixture.server.url;
    },
    pool() {
      const pool = new pg.Pool({ connectionString: fixture.url, max: 4 });
      pool.on("error", () => {});
      pools.push(pool);
      return pool;
    },
  };
  return fixture;
}
