import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { randomBytes } from "node:crypto";
import { EventLog } from "@oceanpos/core/events";
import { createMetricsRegistry, registerStreamGroupMetrics } from "@oceanpos/core/http";
import { PaymentStore, ReconcileSchedule } from "@oceanpos/core/payments";
import { type Redis, type RedisRole, redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { DeliveryLog, SubscriptionStore } from "@oceanpos/core/webhooks";
import type { FastifyInstance } from "fastify";
import type { Logger } from "@oceanpos/core/logger";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import { Authenticator } from "./auth.js";
import type { NotifierConfig } from "./config.js";
import { DeliveryProcessor } from "./delivery/delivery-processor.js";
import { DeliveryQueues } from "./delivery/delivery-queues.js";
import { DeliveryWorkers } from "./delivery/delivery-workers.js";
import { DirectDeliveries } from "./delivery/direct-deliveries.js";
import { Replayer } from "./delivery/replayer.js";
import { sendTestWebhook } from "./delivery/test-webhook.js";
import { WebhookSender } from "./delivery/webhook-sender.js";
import { EventStreamHub } from "./events/event-stream-hub.js";
import { NotifierMetrics } from "./metrics.js";
import { NoticeHandler } from "./notices/notice-handler.js";
import { EventRelay } from "./relay/event-relay.js";
import { RecentEvents } from "./relay/recent-events.js";
import { SubscriptionCache } from "./subscriptions/subscription-cache.js";
import { type ResolveHost, UrlGuard } from "./subscriptions/url-guard.js";

export interface NotifierOptions {
  config: Readonly<NotifierConfig>;
  stores: StoreRegistry;
  logger: Logger;
  /**
   * Opens a Redis connection; called once per role and purpose (the notifier closes them).
   * `autoPipelining` is asked for the stores' connection only, never for BullMQ's.
   */
  connect: (role: RedisRole, name: string, autoPipelining: boolean) => Redis;
  registry?: Registry;
  /** This process's relay consumer name; default `<host>-<pid>-<random>`. */
  consumerName?: string;
  /** Where a newly created relay group starts: `$` (default, new events) or `0`. */
  relayStartId?: string;
  /** DNS for webhook hosts (tests). */
  resolveHost?: ResolveHost;
}

/**
 * Everything the notifier process runs, wired together: the HTTP app, the outbox relay, the
 * per-subscription delivery workers and the live-stream reader. `main.ts` and the integration
 * tests both build it here, so tests run the real wiring.
 */
export class Notifier {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  readonly metrics: NotifierMetrics;
  readonly payments: PaymentStore;
  readonly subscriptions: SubscriptionStore;
  readonly relay: EventRelay;
  readonly workers: DeliveryWorkers;
  readonly queues: DeliveryQueues;
  readonly cache: SubscriptionCache;
  private readonly sender: WebhookSender;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly connections: Redis[] = [];
  private shuttingDown = false;

  constructor(o: NotifierOptions) {
    const { config, logger } = o;
    this.logger = logger;
    const keyPrefix = config.REDIS_KEY_PREFIX;
    const connect = (role: RedisRole, name: string, autoPipelining = false) => {
      const c = o.connect(role, name, autoPipelining);
      c.on("error", (err: Error) => logger.warn({ err: err.message, connection: name }, "redis connection error"));
      this.connections.push(c);
      return c;
    };
    // Notices, deliveries and the relay issue many small commands concurrently: one write per
    // event-loop turn for all of them. BullMQ's queues get a connection of their own.
    const redis = connect("producer", "notifier", true);
    this.redis = redis;
    const workerRedis = connect("worker", "notifier-workers");
    const bullPrefix = redisKeys(keyPrefix).bullPrefix;

    this.registry = o.registry ?? createMetricsRegistry("notifier");
    this.metrics = new NotifierMetrics(this.registry);
    registerStreamGroupMetrics(this.registry, redis, [{ stream: "events", key: redisKeys(keyPrefix).events, group: config.RELAY_GROUP }]);
    this.payments = new PaymentStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
    this.subscriptions = new SubscriptionStore({ redis, keyPrefix });
    const eventLog = new EventLog({ redis, keyPrefix });
    const deliveryLog = new DeliveryLog({ redis, keyPrefix });
    const recent = new RecentEvents();
    const guard = new UrlGuard({ allowPrivate: config.ALLOW_PRIVATE_WEBHOOK_URLS, ...(o.resolveHost ? { resolve: o.resolveHost } : {}) });
    this.cache = new SubscriptionCache({ store: this.subscriptions, logger, refreshMs: config.SUBSCRIPTION_REFRESH_MS });
    this.queues = new DeliveryQueues({ connection: connect("producer", "notifier-queues"), prefix: bullPrefix, logger });
    this.sender = new WebhookSender({ guard, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
    const processor = new DeliveryProcessor({
      subscriptions: this.subscriptions,
      cache: this.cache,
      eventLog,
      recent,
      deliveryLog,
      sender: this.sender,
      logger: logger.child({ component: "delivery" }),
      metrics: this.metrics,
      retryScale: config.WEBHOOK_RETRY_SCALE,
      onDisabled: () => void this.cache.sync(true).catch(() => undefined),
    });
    this.workers = new DeliveryWorkers({
      connection: workerRedis,
      prefix: bullPrefix,
      processor,
      logger: logger.child({ component: "delivery" }),
      concurrency: config.WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION,
      retryScale: config.WEBHOOK_RETRY_SCALE,
      lockDurationMs: config.WEBHOOK_LOCK_DURATION_MS,
      stalledIntervalMs: config.WEBHOOK_STALLED_INTERVAL_MS,
    });
    this.cache.onChange((list) => this.workers.reconcile(list));
    this.relay = new EventRelay({
      redis: connect("worker", "notifier-relay"),
      acks: redis,
      direct: new DirectDeliveries({
        processor,
        queues: this.queues,
        logger: logger.child({ component: "delivery" }),
        perSubscription: config.WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION,
        waitMs: config.WEBHOOK_LANE_WAIT_MS,
      }),
      streamKey: eventLog.key,
      group: config.RELAY_GROUP,
      consumer: o.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
      cache: this.cache,
      queues: this.queues,
      logger: logger.child({ component: "relay" }),
      metrics: this.metrics,
      recent,
      claimIdleMs: config.RELAY_CLAIM_IDLE_MS,
      ...(o.relayStartId !== undefined ? { startId: o.relayStartId } : {}),
    });
    const hub = new EventStreamHub({
      redis: connect("worker", "notifier-live"),
      eventLog,
      logger: logger.child({ component: "live" }),
      metrics: this.metrics,
      heartbeatMs: config.SSE_HEARTBEAT_MS,
      maxBacklog: config.SSE_MAX_BACKLOG,
    });
    this.metrics.collectOnScrape(this.registry, {
      queueDepths: () => this.queues.depths(this.cache.all.map((s) => s.id)),
      disabledSubscriptions: () => this.cache.disabledCount(),
      contradictions: () => this.payments.contradictionCount().catch(() => undefined),
    });
    this.app = buildApp({
      logger,
      registry: this.registry,
      metrics: this.metrics,
      auth: new Authenticator({ adminToken: config.ADMIN_TOKEN, stores: o.stores }),
      stores: o.stores,
      notices: new NoticeHandler({
        stores: o.stores,
        payments: this.payments,
        schedule: new ReconcileSchedule({ redis, keyPrefix }),
        logger: logger.child({ component: "notices" }),
        metrics: this.metrics,
        maxBytes: config.NOTICE_BODY_LIMIT_BYTES,
      }),
      noticeBodyLimit: config.NOTICE_BODY_LIMIT_BYTES,
      subscriptions: this.subscriptions,
      guard,
      deliveryLog,
      queues: this.queues,
      replayer: new Replayer({ eventLog, deliveryLog, queues: this.queues }),
      eventLog,
      hub,
      subscriptionsChanged: () => this.cache.sync(true),
      sendTestWebhook: (id) => sendTestWebhook({ cache: this.cache, sender: this.sender }, id),
      checks: { redis: () => redis.ping() },
      isShuttingDown: () => this.shuttingDown,
    });
  }

  /**
   * Waits for Redis (the producer connection fails fast, so nothing may run before it is up),
   * loads subscriptions (starting their workers) and starts the relay.
   */
  async start(): Promise<void> {
    // Redis going away during start-up (restarted together with this process) is waited out, not
    // a reason to exit: only a shutdown ends the wait.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.redisReady();
        await this.cache.start();
        break;
      } catch (err) {
        if (this.shuttingDown) throw err;
        this.logger.warn({ err: err instanceof Error ? err.message : String(err), attempt }, "subscriptions not loaded yet; retrying");
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
    await this.relay.start();
  }

  private async redisReady(): Promise<void> {
    if (this.redis.status === "ready") return;
    await new Promise<void>((resolve, reject) => {
      const ready = () => {
        this.redis.off("end", ended);
        resolve();
      };
      const ended = () => {
        this.redis.off("ready", ready);
        reject(new Error("redis connection closed before it was ready"));
      };
      this.redis.once("ready", ready);
      this.redis.once("end", ended);
    });
  }


  /**
   * Shutdown steps in order: http → relay and workers together (reading stops; deliveries in
   * flight, direct or jobs, get `graceMs`) → queues → Redis.
   */
  steps(graceMs = 5_000): Array<[string, () => Promise<void> | void]> {
    return [
      ["mark-draining", () => void (this.shuttingDown = true)],
      ["http", () => this.app.close()],
      ["deliveries", async () => {
        await Promise.all([this.relay.close(graceMs), this.workers.close(graceMs)]);
      }],
      ["queues", async () => {
        this.cache.close();
        await this.queues.close();
        await this.sender.close();
      }],
      ["redis", async () => {
        await Promise.all(this.connections.map((c) => c.quit().then(() => undefined, () => c.disconnect())));
      }],
    ];
  }

  /** Runs every shutdown step (tests; `main.ts` hands the steps to the ShutdownCoordinator). */
  async close(): Promise<void> {
    for (const [, step] of this.steps(1_000)) await step();
  }
}
