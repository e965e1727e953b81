import { PaymentStore, type Payment, type PaymentStatus } from "@oceanpos/core/payments";
import { createRedis, redisKeys } from "@oceanpos/core/redis";
import { type StoreRegistry, hashApiKey, parseStores } from "@oceanpos/core/stores";
import type { PostgresFixture, RedisFixture } from "@oceanpos/testing";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { type LedgerConfig, loadLedgerConfig } from "../src/config.js";
import { redisConnector } from "@oceanpos/core/lifecycle";
import { type Ledger, type LedgerDeps, createLedger } from "../src/ledger.js";

export const account = "995149";
export const adminToken = "test-admin-token";
export const apiKeys = { a: "key-store-a", b: "key-store-b" } as const;

/** The stores file's operators, one per role. */
export const operatorTokens = { admin: "token-ada-admin", support: "token-sam-support", finance: "token-fay-finance" } as const;

/** Two stores on one Oceanpayment account, and an operator of each role. */
export function testStores(): StoreRegistry {
  const store = (id: string, key: string) => ({ id, apiKeys: [hashApiKey(key)], oceanpayment: { account, terminal: `${account}01`, secureCode: "12345678" } });
  const operators = [
    { name: "ada", role: "admin", tokens: [hashApiKey(operatorTokens.admin)] },
    { name: "sam", role: "support", tokens: [hashApiKey(operatorTokens.support)] },
    { name: "fay", role: "finance", tokens: [hashApiKey(operatorTokens.finance)] },
  ];
  return parseStores("test-stores.json", { stores: [store("store-a", apiKeys.a), store("store-b", apiKeys.b)], operators }, {});
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The ledger's configuration for a test: the fixtures' PostgreSQL and Redis, the test's key prefix. */
export function testConfig(db: PostgresFixture | { url: string }, redis: RedisFixture, env: Record<string, string> = {}): Readonly<LedgerConfig> {
  return loadLedgerConfig({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    ADMIN_TOKEN: adminToken,
    LEDGER_CLAIM_IDLE_MS: "1000",
    LOG_LEVEL: "silent",
    // The daily schedule would reconcile yesterday in every test: only its own tests turn it on.
    RECONCILIATION_AT: "off",
    ...env,
  });
}

/** A ledger as `main.ts` builds it (not listening), started: migrated and draining. */
export async function startLedger(config: Readonly<LedgerConfig>, consumerName?: string, deps: Partial<LedgerDeps> = {}): Promise<Ledger> {
  const ledger = await createLedger(config, {
    stores: testStores(),
    logger: pino({ level: "silent" }),
    connect: redisConnector(config.REDIS_URL),
    ...(consumerName ? { consumerName } : {}),
    ...deps,
  });
  await ledger.start();
  return ledger;
}

let seq = 0;
/** A fresh order number. */
export const orderNumber = (prefix = "NO") => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

/** Writes payments through core's PaymentStore: the real Lua scripts, the real event stream. */
export class Payments {
  readonly store: PaymentStore;
  readonly eventsKey: string;

  constructor(readonly redis: Redis, prefix: string, clock?: () => Date, eventRetentionMs?: number) {
    this.store = new PaymentStore({ redis, keyPrefix: prefix, ...(clock ? { clock } : {}), ...(eventRetentionMs !== undefined ? { eventRetentionMs } : {}) });
    this.eventsKey = redisKeys(prefix).events;
  }

  /** Creates a payment (event `payment.accepted`) and moves it through `path`; returns its last version. */
  async pay(options: { storeId?: string; orderNumber?: string; amount?: string; currency?: string; method?: Payment["method"]; createdAt?: Date; path?: PaymentStatus[] } = {}): Promise<Payment> {
    const at = (options.createdAt ?? new Date()).toISOString();
    const payment: Payment = {
      orderNumber: options.orderNumber ?? orderNumber(),
      storeId: options.storeId ?? "store-a",
      mode: "merchant_scan",
      method: options.method ?? "WeChatPay_Offline",
      amount: options.amount ?? "12.50",
      currency: options.currency ?? "USD",
      status: "accepted",
      version: 1,
      createdAt: at,
      updatedAt: at,
      history: [{ status: "accepted", at, source: "intake" }],
    };
    const ref = { account, orderNumber: payment.orderNumber };
    const created = await this.store.create({ ...ref, payment, requestHash: "h" });
    if (!created.created) throw new Error(`order number ${payment.orderNumber} is taken`);
    let current = payment;
    for (const to of options.path ?? ["submitting", "succeeded"]) {
      const moved = await this.store.transition(ref, { to, source: "payer", ...(to === "succeeded" ? { code: "80000", set: { paymentId: `P${payment.orderNumber}`, gateway: { code: "80000", message: "Transaction Approved" } } } : {}) });
      if (moved.outcome !== "applied") throw new Error(`cannot move ${payment.orderNumber} to ${to}: ${moved.outcome}`);
      current = moved.payment;
    }
    return current;
  }

  /** Every entry of the event stream, oldest first. */
  async entries(): Promise<[string, string[]][]> {
    return (await this.redis.xrange(this.eventsKey, "-", "+")) as [string, string[]][];
  }
}

export { createRedis };
