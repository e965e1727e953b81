import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { AuditLog } from "@oceanpos/core/audit";
import { EventLog } from "@oceanpos/core/events";
import { createMetricsRegistry, registerStreamGroupMetrics } from "@oceanpos/core/http";
import { PaymentArchive } from "@oceanpos/core/archive";
import { PaymentRetention, PaymentStore, ReconcileSchedule, RiskNotices } from "@oceanpos/core/payments";
import { RefundStore, refundSchedule } from "@oceanpos/core/refunds";
import { type RedisConnector, RedisConnections, type Service, defineService, retryStart } from "@oceanpos/core/lifecycle";
import { type Redis, redisKeys } from "@oceanpos/core/redis";
import type { StoreRegistry } from "@oceanpos/core/stores";
import { DeliveryLog, SubscriptionStore } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";
import type { Registry } from "prom-client";
import { buildApp } from "./app.js";
import { Authenticator } from "./http/auth.js";
import type { NotifierConfig } from "./config.js";
import { DeliveryProcessor } from "./delivery/delivery-processor.js";
import { DeliveryQueues } from "./delivery/delivery-queues.js";
import { DeliveryWorkers } from "./delivery/delivery-workers.js";
import { DirectDeliveries } from "./delivery/direct-deliveries.js";
import { Replayer } from "./delivery/replayer.js";
import { sendTestWebhook } from "./delivery/test-webhook.js";
import { WebhookSender } from "./delivery/webhook-sender.js";
import { EventStreamHub } from "./events/event-stream-hub.js";
import { StreamTokens } from "./events/stream-tokens.js";
import { NotifierMetrics } from "./metrics.js";
import { NoticeHandler } from "./notices/notice-handler.js";
import { EventRelay } from "./relay/event-relay.js";
import { RecentEvents } from "./relay/recent-events.js";
import { SubscriptionCache } from "./subscriptions/subscription-cache.js";
import { type ResolveHost, UrlGuard } from "./delivery/url-guard.js";

export interface NotifierDeps {
  stores: StoreRegistry;
  logger: Logger;
  /**
   * Opens the notifier's Redis connections, once per role and purpose; the notifier closes them.
   * `autoPipelining` is asked for the stores' connection only, never for BullMQ's.
   */
  connect: RedisConnector;
  /** Default: the process's own (`createMetricsRegistry("notifier")`). */
  registry?: Registry;
  /** This process's relay consumer name; default `<host>-<pid>-<random>`. */
  consumerName?: string;
  /** Where a newly created relay group starts: `$` (default, new events) or `0`. */
  relayStartId?: string;
  /** DNS for webhook hosts (tests). */
  resolveHost?: ResolveHost;
}

/** The notifier process, and the parts tests look into. */
export interface Notifier extends Service {
  readonly registry: Registry;
  readonly metrics: NotifierMetrics;
  readonly payments: PaymentStore;
  readonly subscriptions: SubscriptionStore;
  readonly relay: EventRelay;
  readonly workers: DeliveryWorkers;
  readonly queues: DeliveryQueues;
  readonly cache: SubscriptionCache;
}

/**
 * The notifier process: the HTTP app (notices, subscriptions, events), the outbox relay, the
 * per-subscription delivery workers and the live-stream reader. `start()` waits for Redis, loads
 * the subscriptions (starting their workers) and starts the relay.
 */
export async function createNotifier(config: Readonly<NotifierConfig>, deps: NotifierDeps): Promise<Notifier> {
  const { logger } = deps;
  if (config.ALLOW_PRIVATE_WEBHOOK_URLS) logger.warn("ALLOW_PRIVATE_WEBHOOK_URLS=true: webhooks may reach private addresses");
  const keyPrefix = config.REDIS_KEY_PREFIX;
  const connections = new RedisConnections(deps.connect, logger);
  // Notices, deliveries and the relay issue many small commands concurrently: one write per
  // event-loop turn for all of them. BullMQ's queues get a connection of their own.
  const redis = connections.open("producer", "notifier", true);
  const workerRedis = connections.open("worker", "notifier-workers");
  const bullPrefix = redisKeys(keyPrefix).bullPrefix;
  let shuttingDown = false;

  const registry = deps.registry ?? createMetricsRegistry("notifier");
  const metrics = new NotifierMetrics(registry);
  registerStreamGroupMetrics(registry, redis, [{ stream: "events", key: redisKeys(keyPrefix).events, group: config.RELAY_GROUP }]);
  const payments = new PaymentStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS });
  const subscriptions = new SubscriptionStore({ redis, keyPrefix });
  const eventLog = new EventLog({ redis, keyPrefix });
  const deliveryLog = new DeliveryLog({ redis, keyPrefix });
  const recent = new RecentEvents();
  const guard = new UrlGuard({ allowPrivate: config.ALLOW_PRIVATE_WEBHOOK_URLS, ...(deps.resolveHost ? { resolve: deps.resolveHost } : {}) });
  const cache = new SubscriptionCache({ store: subscriptions, logger, refreshMs: config.SUBSCRIPTION_REFRESH_MS });
  const queues = new DeliveryQueues({ connection: connections.open("producer", "notifier-queues"), prefix: bullPrefix, logger });
  const sender = new WebhookSender({ guard, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
  const processor = new DeliveryProcessor({
    subscriptions,
    cache,
    eventLog,
    recent,
    deliveryLog,
    sender,
    logger: logger.child({ component: "delivery" }),
    metrics,
    retryScale: config.WEBHOOK_RETRY_SCALE,
    onDisabled: () => void cache.sync(true).catch(() => undefined),
  });
  const workers = new DeliveryWorkers({
    connection: workerRedis,
    prefix: bullPrefix,
    processor,
    logger: logger.child({ component: "delivery" }),
    concurrency: config.WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION,
    retryScale: config.WEBHOOK_RETRY_SCALE,
    lockDurationMs: config.WEBHOOK_LOCK_DURATION_MS,
    stalledIntervalMs: config.WEBHOOK_STALLED_INTERVAL_MS,
  });
  cache.onChange((list) => workers.reconcile(list));
  const relay = new EventRelay({
    redis: connections.open("worker", "notifier-relay"),
    acks: redis,
    direct: new DirectDeliveries({
      processor,
      queues,
      logger: logger.child({ component: "delivery" }),
      perSubscription: config.WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION,
      waitMs: config.WEBHOOK_LANE_WAIT_MS,
    }),
    streamKey: eventLog.key,
    group: config.RELAY_GROUP,
    consumer: deps.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    cache,
    queues,
    logger: logger.child({ component: "relay" }),
    metrics,
    recent,
    claimIdleMs: config.RELAY_CLAIM_IDLE_MS,
    ...(deps.relayStartId !== undefined ? { startId: deps.relayStartId } : {}),
  });
  const hub = new EventStreamHub({
    redis: connections.open("worker", "notifier-live"),
    eventLog,
    logger: logger.child({ component: "live" }),
    metrics,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    maxBacklog: config.SSE_MAX_BACKLOG,
  });
  metrics.collectOnScrape(registry, {
    queueDepths: () => queues.depths(cache.all.map((s) => s.id)),
    disabledSubscriptions: () => cache.disabledCount(),
    contradictions: () => payments.contradictionCount().catch(() => undefined),
  });
  // Read only for risk notices about payments that have left Redis; never a readiness check.
  const archive = config.DATABASE_URL === undefined ? undefined : new PaymentArchive({ url: config.DATABASE_URL, max: 2, logger, applicationName: "oceanpos-notifier" });
  const app = buildApp({
    corsOrigins: config.CORS_ORIGINS,
    logger,
    registry,
    metrics,
    auth: new Authenticator({ adminToken: config.ADMIN_TOKEN, stores: deps.stores }),
    stores: deps.stores,
    notices: new NoticeHandler({
      stores: deps.stores,
      payments,
      schedule: new ReconcileSchedule({ redis, keyPrefix }),
      refunds: new RefundStore({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS }),
      refundSchedule: refundSchedule({ redis, keyPrefix }),
      riskNotices: new RiskNotices({ redis, keyPrefix, eventRetentionMs: config.EVENT_RETENTION_MS, read: (ref) => payments.get(ref) }),
      ...(archive ? { archived: { archive, retention: new PaymentRetention({ redis, keyPrefix }) } } : {}),
      logger: logger.child({ component: "notices" }),
      metrics,
      maxBytes: config.NOTICE_BODY_LIMIT_BYTES,
    }),
    noticeBodyLimit: config.NOTICE_BODY_LIMIT_BYTES,
    subscriptions,
    guard,
    deliveryLog,
    queues,
    replayer: new Replayer({ eventLog, deliveryLog, queues }),
    eventLog,
    hub,
    streamTokens: new StreamTokens({ redis, keyPrefix, ttlMs: config.STREAM_TOKEN_TTL_MS }),
    subscriptionsChanged: () => cache.sync(true),
    sendTestWebhook: (id) => sendTestWebhook({ cache, sender }, id),
    audit: new AuditLog({ redis, keyPrefix }),
    checks: { redis: () => redis.ping() },
    isShuttingDown: () => shuttingDown,
  });

  const start = async () => {
    // The producer connection fails fast: nothing may run before Redis is up.
    const loadSubscriptions = async () => {
      await ready(redis);
      await cache.start();
    };
    await retryStart(loadSubscriptions, { logger, stopping: () => shuttingDown, retrying: "subscriptions not loaded yet; retrying" });
    await relay.start();
  };
  // Active deliveries get half the shutdown budget before their requests are aborted (and retried later).
  const graceMs = Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2);
  return defineService({
    app,
    registry,
    metrics,
    payments,
    subscriptions,
    relay,
    workers,
    queues,
    cache,
    start,
    // http → relay and workers together (reading stops; deliveries in flight, direct or jobs, get the grace) → queues → Redis.
    shutdownSteps: [
      { name: "mark-draining", close: () => void (shuttingDown = true) },
      { name: "http", close: () => app.close() },
      { name: "deliveries", close: async () => void (await Promise.all([relay.close(graceMs), workers.close(graceMs)])) },
      { name: "queues", close: async () => {
        cache.close();
        await queues.close();
        await sender.close();
      } },
      { name: "archive", close: async () => void (await archive?.close()) },
      { name: "redis", close: () => connections.close() },
    ],
  });
}

/** Resolves once the connection is ready; rejects when it closes first (the producer connection fails fast, so nothing may run before). */
async function ready(redis: Redis): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off("end", onEnd);
      resolve();
    };
    const onEnd = () => {
      redis.off("ready", onReady);
      reject(new Error("redis connection closed before it was ready"));
    };
    redis.once("ready", onReady);
    redis.once("end", onEnd);
  });
}
