import { fileURLToPath } from "node:url";
import type { Logger } from "@oceanpos/core/logger";
import { runner } from "node-pg-migrate";
import type pg from "pg";

/** `services/ledger/migrations`, from src/ and dist/ alike. */
export const migrationsDir = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Applies the migrations not applied yet (versioned SQL files, node-pg-migrate's table
 * `pgmigrations`), all in one transaction, under PostgreSQL's advisory lock: a second ledger
 * starting at the same moment waits for the first and then finds nothing to do.
 * Returns the names of the migrations applied.
 */
export async function migrate(pool: pg.Pool, logger: Logger): Promise<string[]> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: "up",
      migrationsTable: "pgmigrations",
      singleTransaction: true,
      checkOrder: true,
      advisoryLockMode: "wait",
      log: () => {},
      logger: { debug: () => {}, info: () => {}, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
    });
    return applied.map((m) => m.name);
  } finally {
    client.release();
  }
}
