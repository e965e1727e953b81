import { parseArgs } from "node:util";
import { startup } from "@oceanpos/core/lifecycle";
import pg from "pg";
import { loadLedgerConfig } from "../config.js";
import { migrate } from "../db/migrate.js";
import { seedPayments } from "../db/seed-payments.js";
import { createLogger, loggerOptionsOf } from "@oceanpos/core/logger";

/**
 * `npm run seed -w @oceanpos/ledger -- --count 1000000 [--days 30] [--stores a,b]`: adds archived
 * payments straight into the PostgreSQL of DATABASE_URL (migrated first), for benchmarks and demos.
 */
const { values } = parseArgs({
  options: { count: { type: "string", default: "1000000" }, days: { type: "string", default: "30" }, stores: { type: "string" } },
});
const config = startup("ledger seed", () => loadLedgerConfig(process.env));
const logger = createLogger({ name: "ledger-seed", ...loggerOptionsOf(config) });
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
try {
  await migrate(pool, logger);
  const started = Date.now();
  const result = await seedPayments(pool, {
    count: Number(values.count),
    days: Number(values.days),
    ...(values.stores ? { stores: values.stores.split(",") } : {}),
  });
  // As after any bulk load (and as autovacuum leaves an archive the drain filled over days): hint
  // bits and the visibility map set, statistics fresh. Otherwise the first reads of each page pay
  // for setting the hint bits, and the lists and reports timed right after the seed measure that.
  await pool.query("VACUUM (ANALYZE) payments");
  console.log(`seeded ${result.inserted} payments (order numbers ${result.prefix}…) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await pool.end();
  logger.flush();
}
