import type { Logger } from "@oceanpos/core/logger";
import pg from "pg";

export interface CreatePoolOptions {
  url: string;
  /** Connections at most. */
  max: number;
  /** Statement timeout of every connection, ms (0: none); exports lift it on their own connection. */
  statementTimeoutMs: number;
  logger: Logger;
  /** Shown in pg_stat_activity; default `oceanpos-ledger`. */
  applicationName?: string;
}

/**
 * The process's PostgreSQL pool. Connections that PostgreSQL drops (a restart, an outage) are
 * discarded and made again on the next query; the error is logged, never thrown at the process.
 */
export function createPool(options: CreatePoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs || undefined,
    application_name: options.applicationName ?? "oceanpos-ledger",
  });
  pool.on("error", (err) => options.logger.warn({ err: err.message }, "postgresql connection error"));
  return pool;
}
