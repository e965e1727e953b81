import { once } from "node:events";
import { jobCatalog } from "@oceanpos/core/jobs";
import { OceanpaymentClient } from "@oceanpos/core/oceanpayment";
import { PaymentStore, submitFeedRef } from "@oceanpos/core/payments";
import { createRedis, redisKeys } from "@oceanpos/core/redis";
import { type StoreRegistry, hashApiKey, parseStores } from "@oceanpos/core/stores";
import type { RedisFixture } from "@oceanpos/testing";
import { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { Registry } from "prom-client";
import { type AppDeps, buildApp } from "../src/app.js";
import type { IntakeQueues } from "../src/jobs.js";

export const account = "995149";
export const apiKeys = { a: "key-store-a", b: "key-store-b", slow: "key-store-slow" } as const;
/** The operator token (`ADMIN_TOKEN`) every harness accepts. */
export const adminToken = "operator-token-for-tests";
/** The stores file's operators, one per role. */
export const operatorTokens = { admin: "token-ada-admin", support: "token-sam-support", finance: "token-fay-finance" } as const;

/** Two stores on one Oceanpayment account, and a third with a tiny rate limit. */
export function testStores(): StoreRegistry {
  const store = (id: string, key: string, acct: string, rateLimit: { perSecond: number; burst: number }) => ({
    id,
    apiKeys: [hashApiKey(key)],
    oceanpayment: { account: acct, terminal: `${acct}01`, secureCode: "12345678" },
    rateLimit,
  });
  return parseStores(
    "test-stores.json",
    {
      stores: [
        store("store-a", apiKeys.a, account, { perSecond: 1000, burst: 1000 }),
        store("store-b", apiKeys.b, account, { perSecond: 1000, burst: 1000 }),
        store("store-slow", apiKeys.slow, "777777", { perSecond: 0.5, burst: 2 }),
      ],
      operators: [
        { name: "ada", role: "admin", tokens: [hashApiKey(operatorTokens.admin)] },
        { name: "sam", role: "support", tokens: [hashApiKey(operatorTokens.support)] },
        { name: "fay", role: "finance", tokens: [hashApiKey(operatorTokens.finance)] },
      ],
    },
    {},
  );
}

export const auth = (key: string = apiKeys.a) => ({ authorization: `Bearer ${key}` });

let orderSeq = 0;
export const orderNumber = () => `NO${Date.now().toString(36)}${(orderSeq++).toString(36)}`;

/** A valid merchant-scan body (WeChat code: 18 digits starting 13). */
export function merchantScan(overrides: Record<string, unknown> = {}) {
  return {
    orderNumber: orderNumber(),
    amount: "12.50",
    currency: "USD",
    mode: "merchant_scan",
    authCode: "134567890123456789",
    ...overrides,
  };
}

export function customerScan(overrides: Record<string, unknown> = {}) {
  return { orderNumber: orderNumber(), amount: "8.00", currency: "USD", mode: "customer_scan", method: "Alipay_Offline", ...overrides };
}

export interface Harness {
  app: FastifyInstance;
  payments: PaymentStore;
  queues: IntakeQueues;
  redis: Redis;
  subscriber: Redis;
  registry: Registry;
  keys: ReturnType<typeof redisKeys>;
  /** The order numbers in the submit feed (the payer's first sends), oldest first. */
  feed(): Promise<(string | undefined)[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Where the app's connections go instead of the suite's Redis (e.g. a port nothing listens on). */
  url?: string;
  /** Wait for the connections to be ready; default true. */
  awaitReady?: boolean;
  /** A producer connection for the payments only (default: the app's), e.g. to another Redis. */
  paymentsRedis?: Redis;
  /** A producer connection for the queues only (default: the app's). */
  queuesRedis?: Redis;
}

/** A gateway client for apps whose test asks no gateway: nothing listens at its address. */
export function unusedGateway(): OceanpaymentClient {
  return new OceanpaymentClient({ gatewayUrl: "http://127.0.0.1:9", queryUrl: "http://127.0.0.1:9" });
}

/** A producer connection as `main.ts` makes them (fail fast, command time-out), errors silenced. */
export function producerConnection(url: string, name = "intake-test"): Redis {
  const redis = createRedis({ url, role: "producer", connectionName: name });
  redis.on("error", () => {});
  return redis;
}

/** The intake app on the suite's Redis with this test's prefix, wired as `main.ts` wires it. */
export async function startHarness(fixture: RedisFixture, overrides: Partial<AppDeps> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const url = options.url ?? fixture.url;
  const redis = producerConnection(url);
  const subscriber = createRedis({ url, role: "worker", connectionName: "intake-test-sub" });
  subscriber.on("error", () => {});
  const connections = [redis, subscriber, options.paymentsRedis, options.queuesRedis].filter((c) => c !== undefined);
  if (options.awaitReady ?? true) await Promise.all(connections.map((c) => (c.status === "ready" ? undefined : once(c, "ready"))));
  const prefix = fixture.prefix;
  const keys = redisKeys(prefix);
  const queueRedis = options.queuesRedis ?? redis;
  const queues: IntakeQueues = {
    submit: new Queue(jobCatalog.submitPayment.queue, { connection: queueRedis, prefix: keys.bullPrefix }),
    void: new Queue(jobCatalog.voidPayment.queue, { connection: queueRedis, prefix: keys.bullPrefix }),
    refund: new Queue(jobCatalog.submitRefund.queue, { connection: queueRedis, prefix: keys.bullPrefix }),
  };
  for (const q of Object.values(queues)) q.on("error", () => {});
  const payments = new PaymentStore({ redis: options.paymentsRedis ?? redis, keyPrefix: prefix });
  const registry = new Registry();
  const app = await buildApp({
    redis,
    subscriber,
    stores: testStores(),
    payments,
    queues,
    registry,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    keyPrefix: prefix,
    adminToken,
    client: unusedGateway(),
    ...overrides,
  });
  await app.ready();
  return {
    app,
    payments,
    queues,
    redis,
    subscriber,
    registry,
    keys,
    async feed() {
      const entries = await redis.xrange(keys.submits, "-", "+");
      return entries.map(([, fields]) => submitFeedRef(fields)?.orderNumber);
    },
    async close() {
      await app.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
