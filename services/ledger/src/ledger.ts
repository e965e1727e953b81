import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { AuditLog } from "@oceanpos/core/audit";
import { EventOutbox } from "@oceanpos/core/events";
import { consoleAssetsDir } from "@oceanpos/console";
import { createMetricsRegistry, registerStreamGroupMetrics } from "@oceanpos/core/http";
import type { Logger } from "@oceanpos/core/logger";
import { type RedisConnector, RedisConnections, type Service, defineService, retryStart } from "@oceanpos/core/lifecycle";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentRecorder, PaymentRetention, PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { RefundStore } from "@oceanpos/core/refunds";
import { PaymentReview } from "@oceanpos/core/review";
import { TokenBucket, rateLimitScopes } from "@oceanpos/core/rate-limit";
import { redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type pg from "pg";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import { AuditDrain } from "./audit/audit-drain.js";
import type { LedgerConfig } from "./config.js";
import { createPool } from "./db/create-pool.js";
import { migrate } from "./db/migrate.js";
import { ArchiveWriter } from "./drain/archive-writer.js";
import { ArchivedPosition } from "./drain/archived-position.js";
import { EventDrain } from "./drain/event-drain.js";
import { ReadAuth } from "./http/auth.js";
import { LedgerMetrics } from "./metrics.js";
import { DailyTrigger } from "./reconciliation/daily-trigger.js";
import { GatewayDay } from "./reconciliation/gateway-day.js";
import { ReconciliationRunner } from "./reconciliation/reconciliation-runner.js";
import { discrepancyCounts } from "./reconciliation/run.js";
import { RunStore } from "./reconciliation/run-store.js";
import { RetentionSweep } from "./retention/retention-sweep.js";

export interface LedgerDeps {
  stores: StoreRegistry;
  logger: Logger;
  /** Opens the ledger's Redis connections, once per role and purpose; the ledger closes them. */
  connect: RedisConnector;
  /** Default: the process's own (`createMetricsRegistry("ledger")`). */
  registry?: Registry;
  /** This process's consumer name in the `ledger` group; default `<host>-<pid>-<random>`. */
  consumerName?: string;
  /** Time source of the reconciliations (day bounds, the daily schedule); default `Date.now`. */
  clock?: () => number;
  /** How often the daily reconciliation's schedule is looked at; default 30 s. */
  reconciliationTickMs?: number;
  /** The console's built assets; default `@oceanpos/console`'s dist. */
  consoleAssetsDir?: string;
}

/** The ledger process, and the parts tests look into. */
export interface Ledger extends Service {
  /** Reads and exports. */
  readonly pool: pg.Pool;
  readonly drain: EventDrain;
  /** The audit stream → the `audit` table. */
  readonly auditDrain: AuditDrain;
  readonly position: ArchivedPosition;
  readonly retention: RetentionSweep;
  readonly registry: Registry;
  readonly reconciliations: ReconciliationRunner;
  readonly dailyReconciliation: DailyTrigger;
}

/**
 * The ledger process: the PostgreSQL pools, the migrations, the drain (event stream →
 * PostgreSQL), the retention sweep and the HTTP app. `start()` applies the migrations (waiting for
 * PostgreSQL, however long it is away: only a shutdown ends the wait), then starts the sweep and the drain.
 */
export async function createLedger(config: Readonly<LedgerConfig>, deps: LedgerDeps): Promise<Ledger> {
  const { logger } = deps;
  const keys = redisKeys(config.REDIS_KEY_PREFIX);
  const connections = new RedisConnections(deps.connect, logger);
  const redis = connections.open("producer", "ledger");
  const drainRedis = connections.open("worker", "ledger-drain");
  const auditRedis = connections.open("worker", "ledger-audit-drain");
  const timeoutMs = config.DATABASE_STATEMENT_TIMEOUT_MS;
  const pool = createPool({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE - 1, statementTimeoutMs: timeoutMs, logger });
  // The drain's and the migrations' own connection: exports holding every read connection never stall the archive.
  const drainPool = createPool({ url: config.DATABASE_URL, max: 1, statementTimeoutMs: timeoutMs, logger, applicationName: "oceanpos-ledger-drain" });
  const registry = deps.registry ?? createMetricsRegistry("ledger");
  const metrics = new LedgerMetrics(registry);
  // Not on the drain's connection: the drain moves it while its next read blocks there.
  const position = new ArchivedPosition({ redis, streamKey: keys.events, key: keys.archivedBelow, group: config.LEDGER_GROUP });
  registerStreamGroupMetrics(registry, redis, [{ stream: "events", key: keys.events, group: config.LEDGER_GROUP }]);
  metrics.collectLag(registry, () => position.oldestUnarchived());
  const consumer = deps.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const drain = new EventDrain({
    redis: drainRedis,
    streamKey: keys.events,
    group: config.LEDGER_GROUP,
    consumer,
    batchSize: config.LEDGER_BATCH_SIZE,
    claimIdleMs: config.LEDGER_CLAIM_IDLE_MS,
    writer: new ArchiveWriter({ pool: drainPool }),
    position,
    logger: logger.child({ component: "drain" }),
    metrics,
  });
  const clock = deps.clock ?? Date.now;
  const runs = new RunStore(pool, 60_000);
  // The payer's client: the ledger lists, queries and (for an operator's resolve) voids; it never pays.
  const client = new OceanpaymentClient({
    gatewayUrl: config.OCEANPAYMENT_GATEWAY_URL,
    queryUrl: config.OCEANPAYMENT_QUERY_URL,
    timeouts: { queryMs: config.OCEANPAYMENT_QUERY_TIMEOUT_MS, payMs: config.OCEANPAYMENT_PAY_TIMEOUT_MS },
    logger: logger.child({ component: "oceanpayment" }),
  });
  const payments = new PaymentStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const schedule = new ReconcileSchedule({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const refunds = new RefundStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const audit = new AuditLog({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  // As the intake's: an operator's query or resolve is recorded by the payer's recorder, with the reconcile schedule.
  const review = new PaymentReview({
    client,
    recorder: new PaymentRecorder({ store: payments, schedule, clock }),
    refunds,
    audit,
    logger: logger.child({ component: "review" }),
  });
  const reconciliations = new ReconciliationRunner({
    pool,
    runs,
    stores: deps.stores,
    gateway: new GatewayDay({
      client,
      bucket: new TokenBucket({ redis, keyPrefix: config.REDIS_KEY_PREFIX, scope: rateLimitScopes.terminal }),
      ratePerSec: config.GATEWAY_RATE_PER_TERMINAL,
      burst: config.GATEWAY_BURST_PER_TERMINAL,
      attempts: config.RECONCILIATION_PAGE_ATTEMPTS,
      retryDelayMs: config.RECONCILIATION_RETRY_DELAY_MS,
    }),
    gatewayTimeZone: config.GATEWAY_TIME_ZONE,
    payments,
    schedule,
    refunds,
    outbox: new EventOutbox({ redis, keyPrefix: config.REDIS_KEY_PREFIX, retentionMs: config.EVENT_RETENTION_MS }),
    metrics,
    logger: logger.child({ component: "reconciliation" }),
    heartbeatMs: 10_000,
    clock,
  });
  const dailyReconciliation = new DailyTrigger({
    runner: reconciliations,
    runs,
    at: config.RECONCILIATION_AT,
    timeZone: config.GATEWAY_TIME_ZONE,
    tickMs: deps.reconciliationTickMs ?? 30_000,
    logger: logger.child({ component: "reconciliation-schedule" }),
    clock,
  });
  metrics.collectReconciliation(registry, async () => {
    const last = await runs.lastCompleted();
    return last && { completedAt: last.completedAt, counts: discrepancyCounts(last.terminals) };
  });
  const retentionStore = new PaymentRetention({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const retention = new RetentionSweep({
    retention: retentionStore,
    redis,
    lockKey: keys.retentionSweepLock,
    backfillKey: keys.retentionBackfill,
    owner: consumer,
    pool,
    retentionMs: config.PAYMENT_RETENTION_DAYS * 24 * 3600 * 1000,
    intervalMs: config.LEDGER_RETENTION_SWEEP_INTERVAL_MS,
    batchSize: config.LEDGER_RETENTION_SWEEP_BATCH,
    logger: logger.child({ component: "retention" }),
    metrics,
  });
  metrics.collectRetentionDue(registry, () => retentionStore.dueCount(retention.cutoff()));
  // On the drain's PostgreSQL connection too: a few rows per operator action, never behind reads.
  const auditDrain = new AuditDrain({
    redis: auditRedis,
    streamKey: keys.audit,
    keyPrefix: config.REDIS_KEY_PREFIX,
    group: config.LEDGER_GROUP,
    consumer,
    claimIdleMs: config.LEDGER_CLAIM_IDLE_MS,
    pool: drainPool,
    logger: logger.child({ component: "audit-drain" }),
  });
  let shuttingDown = false;
  const app = await buildApp({
    corsOrigins: config.CORS_ORIGINS,
    logger,
    registry,
    metrics,
    pool,
    auth: new ReadAuth({ adminToken: config.ADMIN_TOKEN, stores: deps.stores }),
    defaultTimeZone: config.GATEWAY_TIME_ZONE,
    checks: { postgres: () => pool.query("SELECT 1"), redis: () => redis.ping() },
    isShuttingDown: () => shuttingDown,
    reconciliations: { runner: reconciliations, runs, clock, audit },
    review: { review, stores: deps.stores, payments, refunds },
    console: { assetsDir: deps.consoleAssetsDir ?? consoleAssetsDir, intakeUrl: config.CONSOLE_INTAKE_URL, notifierUrl: config.CONSOLE_NOTIFIER_URL },
  });

  const start = async () => {
    const migrateArchive = async () => {
      const applied = await migrate(drainPool, logger);
      if (applied.length > 0) logger.info({ applied }, "migrations applied");
    };
    await retryStart(migrateArchive, { logger, stopping: () => shuttingDown, retrying: "cannot migrate the archive yet; retrying" });
    if (shuttingDown) return;
    retention.start();
    await Promise.all([drain.start(), auditDrain.start()]);
    if (config.RECONCILIATION_AT !== "off") dailyReconciliation.start();
  };
  let poolsEnded: Promise<void> | undefined;
  return defineService({
    app,
    pool,
    drain,
    auditDrain,
    position,
    retention,
    registry,
    reconciliations,
    dailyReconciliation,
    start,
    // http → drain (the batch in hand is committed and acknowledged) → Redis → PostgreSQL.
    shutdownSteps: [
      { name: "mark-draining", close: () => void (shuttingDown = true) },
      { name: "http", close: () => app.close() },
      { name: "drain", close: async () => void (await Promise.all([drain.close(), auditDrain.close()])) },
      // A run in progress is failed ("shut down") while PostgreSQL is still there to record it.
      { name: "reconciliations", close: () => Promise.all([dailyReconciliation.close(), reconciliations.close()]).then(() => client.close()) },
      { name: "retention", close: () => retention.stop() },
      { name: "redis", close: () => connections.close() },
      { name: "postgres", close: () => (poolsEnded ??= Promise.all([pool.end(), drainPool.end()]).then(() => undefined)) },
    ],
  });
}
