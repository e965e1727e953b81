import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Payment, type PaymentStore } from "@oceanpos/core/payments";
import { parseStores } from "@oceanpos/core/stores";
import type { RedisFixture } from "@oceanpos/testing";
import { createLogger } from "@oceanpos/core/logger";
import { loadNotifierConfig } from "../src/config.js";
import { redisConnector } from "@oceanpos/core/lifecycle";
import { type Notifier, type NotifierDeps, createNotifier } from "../src/notifier.js";

export const adminToken = "test-admin-token";
/** The stores file's operators, one per role. */
export const operatorTokens = { admin: "token-ada-admin", support: "token-sam-support", finance: "token-fay-finance" } as const;
export const account = "995149";
export const terminal = "99514901";
export const secureCode = "12345678";

/** Two stores on the sandbox terminal, one on another terminal with its own secureCode. */
export const stores = parseStores(
  "test-stores.json",
  {
    stores: [
      { id: "store-a", name: "A", apiKeys: [sha256Key("key-a")], oceanpayment: { account, terminal, secureCode }, billing: {} },
      { id: "store-b", name: "B", apiKeys: [sha256Key("key-b")], oceanpayment: { account, terminal, secureCode }, billing: {} },
      { id: "store-c", name: "C", apiKeys: [sha256Key("key-c")], oceanpayment: { account: "995150", terminal: "99515001", secureCode: "87654321" }, billing: {} },
    ],
    operators: [
      { name: "ada", role: "admin", tokens: [sha256Key("token-ada-admin")] },
      { name: "sam", role: "support", tokens: [sha256Key("token-sam-support")] },
      { name: "fay", role: "finance", tokens: [sha256Key("token-fay-finance")] },
    ],
  },
  {},
);

function sha256Key(key: string): string {
  return `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * A notifier on the test Redis (unique key prefix), with tiny retries and loopback receivers
 * allowed, started; deliveries in flight at `close()` get 1 s (half the shutdown budget).
 */
export async function startNotifier(
  redis: RedisFixture,
  env: Record<string, string> = {},
  extra: Partial<NotifierDeps> = {},
): Promise<Notifier> {
  const config = loadNotifierConfig({
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    ADMIN_TOKEN: adminToken,
    ALLOW_PRIVATE_WEBHOOK_URLS: "true",
    WEBHOOK_RETRY_SCALE: "0.0001",
    WEBHOOK_TIMEOUT_MS: "5000",
    SUBSCRIPTION_REFRESH_MS: "200",
    RELAY_CLAIM_IDLE_MS: "100",
    SHUTDOWN_TIMEOUT_MS: "2000",
    ...env,
  });
  const notifier = await createNotifier(config, {
    stores,
    logger: createLogger({ name: "notifier-test", level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    connect: redisConnector(redis.url),
    relayStartId: "0",
    ...extra,
  });
  await notifier.start();
  return notifier;
}

export const auth = (token = adminToken) => ({ authorization: `Bearer ${token}` });

/** Creates a payment of `store-a` (or the given store) and moves it to `submitting`. */
export async function submittingPayment(
  payments: PaymentStore,
  orderNumber: string,
  options: { storeId?: string; amount?: string; currency?: string; account?: string } = {},
): Promise<Payment> {
  const now = new Date().toISOString();
  const payment: Payment = {
    orderNumber,
    storeId: options.storeId ?? "store-a",
    mode: "customer_scan",
    method: "WeChatPay_Offline",
    amount: options.amount ?? "12.50",
    currency: options.currency ?? "USD",
    status: "accepted",
    version: 1,
    createdAt: now,
    updatedAt: now,
    history: [{ status: "accepted", at: now, source: "intake" }],
  };
  const ref = { account: options.account ?? account, orderNumber };
  await payments.create({ ...ref, payment, requestHash: "h" });
  const moved = await payments.transition(ref, { to: "submitting", source: "payer" });
  if (moved.outcome !== "applied") throw new Error(`could not move ${orderNumber} to submitting`);
  return moved.payment;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1. `respond` decides each answer (return undefined to never
 * answer: a hanging endpoint). `next(n)` resolves once n requests arrived in all.
 */
export class Receiver extends EventEmitter {
  readonly requests: ReceivedRequest[] = [];
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];
  private readonly server = createServer((req, res) => this.onRequest(req, res));
  private readonly hanging: ServerResponse[] = [];
  respond: (index: number, req: ReceivedRequest) => { status: number; headers?: Record<string, string> } | undefined = () => ({ status: 200 });
  /** Every answer comes this long after its request (an endpoint that takes its time). */
  delayMs = 0;

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves when the sender gives up on a request left unanswered (its connection closes). */
  abandoned(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no unanswered request was abandoned within ${timeoutMs} ms`)), timeoutMs);
      this.once("abandoned", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves when `n` requests have arrived; fails after `timeoutMs` naming what it waited for. */
  next(n: number, timeoutMs = 10_000, what = "webhook requests"): Promise<ReceivedRequest[]> {
    if (this.requests.length >= n) return Promise.resolve(this.requests.slice(0, n));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} ${what} within ${timeoutMs} ms, got ${this.requests.length}`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.requests.slice(0, n));
        },
      });
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      const index = this.requests.push(received) - 1;
      const answer = this.respond(index, received);
      if (answer === undefined) {
        this.hanging.push(res);
        res.on("close", () => this.emit("abandoned"));
      } else if (this.delayMs > 0) setTimeout(() => res.writeHead(answer.status, answer.headers ?? {}).end("ok"), this.delayMs);
      else res.writeHead(answer.status, answer.headers ?? {}).end("ok");
      for (const w of this.waiters.splice(0)) {
        if (this.requests.length >= w.n) w.resolve();
        else this.waiters.push(w);
      }
    });
  }
}
