import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { consoleAssetsDir } from "@oceanpos/console";
import { createMetricsRegistry, registerStreamGroupMetrics } from "@oceanpos/core/http";
import type { Logger } from "@oceanpos/core/logger";
import { type RedisConnector, RedisConnections, type Service, defineService, retryStart } from "@oceanpos/core/lifecycle";
import { type Redis, redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type pg from "pg";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import type { LedgerConfig } from "./config.js";
import { createPool } from "./db/create-pool.js";
import { migrate } from "./db/migrate.js";
import { ArchiveWriter } from "./drain/archive-writer.js";
import { ArchivedPosition } from "./drain/archived-position.js";
import { EventDrain } from "./drain/event-drain.js";
import { ReadAuth } from "./http/auth.js";
import { LedgerMetrics } from "./metrics.js";

export interface LedgerDeps {
  stores: StoreRegistry;
  logger: Logger;
  /** Opens the ledger's Redis connections, once per role and purpose; the ledger closes them. */
  connect: RedisConnector;
  /** Default: the process's own (`createMetricsRegistry("ledger")`). */
  registry?: Registry;
  /** This process's consumer name in the `ledger` group; default `<host>-<pid>-<random>`. */
  consumerName?: string;
  /** The console's built assets; default `@oceanpos/console`'s dist. */
  consoleAssetsDir?: string;
}

/** The ledger process, and the parts tests look into. */
export interface Ledger extends Service {
  /** Reads and exports. */
  readonly pool: pg.Pool;
  readonly drain: EventDrain;
  readonly position: ArchivedPosition;
  readonly registry: Registry;
}

/**
 * The ledger process: the PostgreSQL pools, the migrations, the drain (event stream →
 * PostgreSQL) and the HTTP app. `start()` applies the migrations (waiting for PostgreSQL, however
 * long it is away: only a shutdown ends the wait), then starts the drain.
 */
export async function createLedger(config: Readonly<LedgerConfig>, deps: LedgerDeps): Promise<Ledger> {
  const { logger } = deps;
  const keys = redisKeys(config.REDIS_KEY_PREFIX);
  const connections = new RedisConnections(deps.connect, logger);
  const redis = connections.open("producer", "ledger");
  const drainRedis = connections.open("worker", "ledger-drain");
  const timeoutMs = config.DATABASE_STATEMENT_TIMEOUT_MS;
  const pool = createPool({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE - 1, statementTimeoutMs: timeoutMs, logger });
  // The drain's and the migrations' own connection: exports holding every read connection never stall the archive.
  const drainPool = createPool({ url: config.DATABASE_URL, max: 1, statementTimeoutMs: timeoutMs, logger, applicationName: "oceanpos-ledger-drain" });
  const registry = deps.registry ?? createMetricsRegistry("ledger");
  const metrics = new LedgerMetrics(registry);
  const positionOn = (on: Redis) => new ArchivedPosition({ redis: on, streamKey: keys.events, key: ArchivedPosition.keyOf(config.REDIS_KEY_PREFIX), group: config.LEDGER_GROUP });
  // Moved on the drain's connection, between its reads; read on scrape through the other one.
  const position = positionOn(drainRedis);
  const scraped = positionOn(redis);
  registerStreamGroupMetrics(registry, redis, [{ stream: "events", key: keys.events, group: config.LEDGER_GROUP }]);
  metrics.collectLag(registry, () => scraped.oldestUnarchived());
  const drain = new EventDrain({
    redis: drainRedis,
    streamKey: keys.events,
    group: config.LEDGER_GROUP,
    consumer: deps.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    batchSize: config.LEDGER_BATCH_SIZE,
    claimIdleMs: config.LEDGER_CLAIM_IDLE_MS,
    writer: new ArchiveWriter({ pool: drainPool }),
    position,
    logger: logger.child({ component: "drain" }),
    metrics,
  });
  let shuttingDown = false;
  const app = await buildApp({
    logger,
    registry,
    metrics,
    pool,
    auth: new ReadAuth({ adminToken: config.ADMIN_TOKEN, stores: deps.stores }),
    defaultTimeZone: config.GATEWAY_TIME_ZONE,
    checks: { postgres: () => pool.query("SELECT 1"), redis: () => redis.ping() },
    isShuttingDown: () => shuttingDown,
    console: { assetsDir: deps.consoleAssetsDir ?? consoleAssetsDir, intakeUrl: config.CONSOLE_INTAKE_URL, notifierUrl: config.CONSOLE_NOTIFIER_URL },
  });

  const start = async () => {
    const migrateArchive = async () => {
      const applied = await migrate(drainPool, logger);
      if (applied.length > 0) logger.info({ applied }, "migrations applied");
    };
    await retryStart(migrateArchive, { logger, stopping: () => shuttingDown, retrying: "cannot migrate the archive yet; retrying" });
    if (!shuttingDown) await drain.start();
  };
  let poolsEnded: Promise<void> | undefined;
  return defineService({
    app,
    pool,
    drain,
    position,
    registry,
    start,
    // http → drain (the batch in hand is committed and acknowledged) → Redis → PostgreSQL.
    shutdownSteps: [
      { name: "mark-draining", close: () => void (shuttingDown = true) },
      { name: "http", close: () => app.close() },
      { name: "drain", close: () => drain.close() },
      { name: "redis", close: () => connections.close() },
      { name: "postgres", close: () => (poolsEnded ??= Promise.all([pool.end(), drainPool.end()]).then(() => undefined)) },
    ],
  });
}
