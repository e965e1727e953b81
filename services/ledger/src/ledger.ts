import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { createMetricsRegistry, registerStreamGroupMetrics } from "@oceanpos/core/http";
import type { Logger } from "@oceanpos/core/logger";
import { type Redis, type RedisRole, redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import type { LedgerConfig } from "./config.js";
import { createPool } from "./db/create-pool.js";
import { migrate } from "./db/migrate.js";
import { ArchiveWriter } from "./drain/archive-writer.js";
import { ArchivedPosition } from "./drain/archived-position.js";
import { EventDrain } from "./drain/event-drain.js";
import { CallerAuth } from "./http/caller.js";
import { LedgerMetrics } from "./metrics.js";

export interface LedgerOptions {
  config: Readonly<LedgerConfig>;
  stores: StoreRegistry;
  logger: Logger;
  /** Opens a Redis connection, once per role and purpose (the ledger closes them). */
  connect: (role: RedisRole, name: string) => Redis;
  registry?: Registry;
  /** This process's consumer name in the `ledger` group; default `<host>-<pid>-<random>`. */
  consumerName?: string;
}

/**
 * Everything the ledger process runs, wired: the PostgreSQL pools, the migrations, the drain
 * (event stream → PostgreSQL) and the HTTP app. `main.ts` and the integration tests build it
 * here, so tests run the real wiring.
 */
export class Ledger {
  readonly app: FastifyInstance;
  /** Reads and exports. */
  readonly pool: pg.Pool;
  /** The drain's and the migrations' own connections: exports holding every read connection never stall the archive. */
  private readonly drainPool: pg.Pool;
  readonly drain: EventDrain;
  readonly position: ArchivedPosition;
  readonly registry: Registry;
  private readonly logger: Logger;
  private readonly connections: Redis[] = [];
  private shuttingDown = false;

  private constructor(o: LedgerOptions, app: FastifyInstance, parts: { pool: pg.Pool; drainPool: pg.Pool; drain: EventDrain; position: ArchivedPosition; registry: Registry }) {
    this.app = app;
    this.pool = parts.pool;
    this.drainPool = parts.drainPool;
    this.drain = parts.drain;
    this.position = parts.position;
    this.registry = parts.registry;
    this.logger = o.logger;
  }

  static async create(o: LedgerOptions): Promise<Ledger> {
    const { config, logger } = o;
    const connections: Redis[] = [];
    const connect = (role: RedisRole, name: string) => {
      const c = o.connect(role, name);
      c.on("error", (err: Error) => logger.warn({ err: err.message, connection: name }, "redis connection error"));
      connections.push(c);
      return c;
    };
    const keys = redisKeys(config.REDIS_KEY_PREFIX);
    const redis = connect("producer", "ledger");
    const drainRedis = connect("worker", "ledger-drain");
    const timeoutMs = config.DATABASE_STATEMENT_TIMEOUT_MS;
    const pool = createPool({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE - 1, statementTimeoutMs: timeoutMs, logger });
    const drainPool = createPool({ url: config.DATABASE_URL, max: 1, statementTimeoutMs: timeoutMs, logger, applicationName: "oceanpos-ledger-drain" });
    const registry = o.registry ?? createMetricsRegistry("ledger");
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
      consumer: o.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
      batchSize: config.LEDGER_BATCH_SIZE,
      claimIdleMs: config.LEDGER_CLAIM_IDLE_MS,
      writer: new ArchiveWriter({ pool: drainPool }),
      position,
      logger: logger.child({ component: "drain" }),
      metrics,
    });
    const built: { ledger?: Ledger } = {};
    const app = await buildApp({
      logger,
      registry,
      metrics,
      pool,
      auth: new CallerAuth({ adminToken: config.ADMIN_TOKEN, stores: o.stores }),
      defaultTimeZone: config.GATEWAY_TIME_ZONE,
      checks: { postgres: () => pool.query("SELECT 1"), redis: () => redis.ping() },
      isShuttingDown: () => built.ledger?.shuttingDown ?? false,
    });
    const ledger = new Ledger(o, app, { pool, drainPool, drain, position, registry });
    ledger.connections.push(...connections);
    built.ledger = ledger;
    return ledger;
  }

  /**
   * Applies the migrations (waiting for PostgreSQL, however long it is away: only a shutdown ends
   * the wait), then starts the drain.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await migrate(this.drainPool, this.logger);
        if (applied.length > 0) this.logger.info({ applied }, "migrations applied");
        break;
      } catch (err) {
        if (this.shuttingDown) throw err;
        this.logger.warn({ err: err instanceof Error ? err.message : String(err), attempt }, "cannot migrate the archive yet; retrying");
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
    if (!this.shuttingDown) await this.drain.start();
  }

  /** Shutdown steps in order: http → drain (the batch in hand is committed and acknowledged) → Redis → PostgreSQL. */
  steps(): Array<[string, () => Promise<void> | void]> {
    return [
      ["mark-draining", () => void (this.shuttingDown = true)],
      ["http", () => this.app.close()],
      ["drain", () => this.drain.close()],
      ["redis", async () => {
        await Promise.all(this.connections.map((c) => c.quit().then(() => undefined, () => c.disconnect())));
      }],
      ["postgres", async () => {
        await Promise.all([this.pool.end(), this.drainPool.end()]);
      }],
    ];
  }

  /** Runs every shutdown step (tests; `main.ts` hands the steps to the ShutdownCoordinator). */
  async close(): Promise<void> {
    for (const [, step] of this.steps()) await step();
  }
}
