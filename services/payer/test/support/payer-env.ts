import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { jobCatalog, paymentJob } from "@oceanpos/core/jobs";
import { createLogger } from "@oceanpos/core/logger";
import { redisConnector } from "@oceanpos/core/lifecycle";
import { OceanpaymentClient, type OceanpaymentTimeouts } from "@oceanpos/core/oceanpayment";
import { type Payment, type PaymentRef, type PaymentStatus, PaymentStore, submitFeed } from "@oceanpos/core/payments";
import { type Redis, redisKeys } from "@oceanpos/core/redis";
import { type StoreRegistry, loadStoresFile } from "@oceanpos/core/stores";
import { type Sandbox, type SandboxOptions, buildSandbox } from "@oceanpos/sandbox";
import { type RedisFixture, useRedis, waitFor } from "@oceanpos/testing";
import { Registry } from "prom-client";
import { afterEach, expect } from "vitest";
import { type PayerConfig, loadPayerConfig } from "../../src/config.js";
import { type Payer, type PayerTuning, createPayer } from "../../src/payer.js";
import type { SubmitJobOptions } from "../../src/submit-feed.js";

export const storesFile = fileURLToPath(new URL("../../../../config/stores.example.json", import.meta.url));
export const account = "995149";
export const terminal = "99514901";

/** Test-speed outage backoff (production: 1 s doubling to 10 s): the test payers' default. */
export const fastOutageBackoff = { initialMs: 50, maxMs: 400 };

/** Retry settings of the catalog, with test-speed backoff: the test payers' submit jobs. */
export const fastJobOptions: SubmitJobOptions = {
  ...jobCatalog.submitPayment.options,
  backoff: { type: "exponential", delay: 30, jitter: 0.5 },
};

/** A WeChat payment code (18 digits starting 13) whose last digit scripts the sandbox outcome. */
export function authCodeEnding(digit: number): string {
  const middle = String(Math.floor(Math.random() * 1e15)).padStart(15, "0");
  return `13${middle}${digit}`;
}

let orderSeq = 0;
export function orderNumber(tag: string): string {
  orderSeq += 1;
  return `T${tag}${Date.now().toString(36)}${orderSeq}`.slice(0, 50);
}

/**
 * The settings a test changes, by the names the tests use, and the setting each one is (the
 * config's values are given as such, not as environment strings: tests go below the settings'
 * minimums, e.g. a 50 ms watchdog).
 */
const settings = {
  concurrency: "PAYER_CONCURRENCY",
  noticeUrl: "NOTICE_URL",
  lockDurationMs: "PAYER_LOCK_DURATION_MS",
  stalledIntervalMs: "PAYER_STALLED_INTERVAL_MS",
  feedClaimIdleMs: "SUBMIT_FEED_CLAIM_IDLE_MS",
  reconcileIntervalsMs: "RECONCILE_SCHEDULE_MS",
  reconcileTickMs: "RECONCILE_TICK_MS",
  reconcileBatch: "RECONCILE_BATCH",
  qrExpiryMs: "QR_EXPIRY_MS",
  submitWatchdogMs: "SUBMIT_WATCHDOG_MS",
  unsettledReviewAfterMs: "UNSETTLED_REVIEW_AFTER_MS",
  payQueryAfterMs: "OCEANPAYMENT_PAY_QUERY_AFTER_MS",
  payTimeoutMs: "OCEANPAYMENT_PAY_TIMEOUT_MS",
  gatewayRatePerTerminal: "GATEWAY_RATE_PER_TERMINAL",
  gatewayBurstPerTerminal: "GATEWAY_BURST_PER_TERMINAL",
  eventRetentionMs: "EVENT_RETENTION_MS",
  refundReconcileIntervalsMs: "REFUND_RECONCILE_SCHEDULE_MS",
  refundReviewAfterMs: "REFUND_REVIEW_AFTER_MS",
} as const satisfies Record<string, keyof PayerConfig>;

/** What a test sets: settings (undefined: the setting's default) and tuning. */
export type PayerOptions = { -readonly [K in keyof typeof settings]?: PayerConfig[(typeof settings)[K]] | undefined } & PayerTuning;

/** The payer's configuration for a test: the defaults of `loadPayerConfig`, with the test's settings. */
export function testPayerConfig(prefix: string, options: PayerOptions): Readonly<PayerConfig> {
  const config: Record<string, unknown> = { ...loadPayerConfig({ REDIS_KEY_PREFIX: prefix }) };
  for (const [name, setting] of Object.entries(settings)) {
    const value = options[name as keyof typeof settings];
    if (value !== undefined) config[setting] = value;
  }
  return Object.freeze(config as PayerConfig);
}

/** [0, 1) rolls: the first `fire` rolls fire any rate > 0, every later one fires none. */
export function firstRollsFire(fire = 1): () => number {
  let rolls = 0;
  return () => (rolls++ < fire ? 0 : 0.999_999);
}

export interface StartOptions {
  sandbox?: Partial<SandboxOptions>;
  payer?: Partial<PayerOptions>;
  timeouts?: OceanpaymentTimeouts;
  /** Overrides the query base URL (e.g. a closed port). */
  queryUrl?: string;
  /**
   * Runs once the sandbox is up and before the payer starts: the state a dead payer left behind
   * (`readFeedAs` then takes the payments' feed entries as that payer would have).
   */
  setup?: (ctx: SetupContext) => Promise<void>;
}

/** What `setup` gets: the store, a gateway client and the sandbox, before the payer starts. */
export interface SetupContext {
  store: PaymentStore;
  client: OceanpaymentClient;
  sandbox: Sandbox;
}

export interface PayerEnv {
  redis: RedisFixture;
  stores: StoreRegistry;
  /** Starts a sandbox and an in-process payer against it (both closed after the test). */
  start(options?: StartOptions): Promise<Running>;
}

export interface Running {
  sandbox: Sandbox;
  sandboxUrl: string;
  payer: Payer;
  registry: Registry;
  store: PaymentStore;
  client: OceanpaymentClient;
  /** Creates a payment as intake does: with its submit feed entry, which the payer reads. */
  submit(input: NewTestPayment): Promise<PaymentRef>;
  waitForStatus(ref: PaymentRef, statuses: readonly PaymentStatus[], timeoutMs?: number): Promise<Payment>;
  charges(orderNumber: string): Promise<number>;
  faults(update: Record<string, unknown>): Promise<void>;
  /** Back to no faults at all. */
  clearFaults(): Promise<void>;
  scan(orderNumber: string, outcome: "succeeded" | "failed"): Promise<void>;
  requestVoid(ref: PaymentRef): Promise<void>;
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  /** Starts one more payer (own connection, client and registry) against the same Redis prefix and sandbox. */
  startAnother(): Promise<Payer>;
}

export interface NewTestPayment {
  orderNumber: string;
  mode?: "merchant_scan" | "customer_scan";
  authCode?: string;
  amount?: string;
}

/**
 * Reads every unread submit (or refund) feed entry as the consumer `name` (a payer about to die) and, with
 * `ack`, acknowledges them too (that payer handed them to jobs since lost). Call it from `setup`,
 * before any live payer reads.
 */
export async function readFeedAs(redis: Redis, prefix: string, name: string, ack: boolean, feed: "submits" | "refundFeed" = "submits"): Promise<number> {
  // Both feeds are read through the same group name (`submitFeed.group`, `refundFeed.group`: "payer").
  const stream = redisKeys(prefix)[feed];
  await redis.xgroup("CREATE", stream, submitFeed.group, "0", "MKSTREAM").catch((err: Error) => {
    if (!err.message.startsWith("BUSYGROUP")) throw err;
  });
  const reply = (await redis.xreadgroup("GROUP", submitFeed.group, name, "STREAMS", stream, ">")) as [string, [string, string[]][]][] | null;
  const ids = (reply?.[0]?.[1] ?? []).map(([id]) => id);
  if (ack && ids.length > 0) await redis.xack(stream, submitFeed.group, ...ids);
  return ids.length;
}

/** A merchant-scan pay request of 12.50 USD for `orderNumber` sent straight to the gateway, as a payer (or another till) sends one. */
export function payAtGateway(client: OceanpaymentClient, orderNumber: string, paymentCode: string): ReturnType<OceanpaymentClient["pay"]> {
  return client.pay({
    credentials: { account, terminal, secureCode: "12345678" },
    noticeUrl: "http://127.0.0.1:9/notice",
    orderNumber,
    currency: "USD",
    amount: "12.50",
    billing: { firstName: "Demo", lastName: "Store", email: "pos@demo-store.example" },
    items: [{ name: "Red Dress", sku: "#001", price: "12.50", quantity: 1 }],
    scan: { mode: "merchant_scans", paymentCode },
  });
}

/**
 * A payer's send as it makes one (counted, then sent to the gateway, which charges it), by a payer
 * that then dies with the answer. Resolves with the gateway's paymentId.
 */
export async function sendAsDeadPayer(ctx: SetupContext, ref: PaymentRef, authCode: string): Promise<string> {
  expect(await ctx.store.recordSend(ref)).toEqual({ recorded: true, sends: 1 });
  const sent = await payAtGateway(ctx.client, ref.orderNumber, authCode);
  if (sent.kind !== "succeeded") throw new Error(`the gateway should have charged ${ref.orderNumber}, answered ${sent.kind}`);
  return sent.paymentId;
}

export function newPayment(input: NewTestPayment, at = new Date().toISOString()): Payment {
  return {
    orderNumber: input.orderNumber,
    storeId: "demo-store",
    mode: input.mode ?? "merchant_scan",
    method: "WeChatPay_Offline",
    amount: input.amount ?? "12.50",
    currency: "USD",
    status: "accepted",
    version: 1,
    items: [{ name: "Red Dress", sku: "#001", price: input.amount ?? "12.50", quantity: 1 }],
    createdAt: at,
    updatedAt: at,
    history: [{ status: "accepted", at, source: "intake" }],
  };
}

/** Waits until what `read` returns is in one of `statuses`; on time-out, says where it stayed. */
export async function waitForStatusOf<T extends { status: string; history: readonly { status: string }[] }>(
  read: () => Promise<T | undefined>,
  statuses: readonly T["status"][],
  what: string,
  timeoutMs: number,
): Promise<T> {
  let last: T | undefined;
  return waitFor(
    async () => {
      last = await read();
      return last && statuses.includes(last.status) ? last : undefined;
    },
    { timeoutMs, message: `${what} to reach ${statuses.join("|")}` },
  ).catch((error: Error) => {
    // The message is built before the wait: say where it stayed.
    throw new Error(`${error.message}; it stayed ${last?.status ?? "missing"} (history ${last?.history.map((h) => h.status).join(" → ") ?? "none"})`);
  });
}

/** Payments as intake creates them (each with its submit feed entry, which a payer reads), and waiting for their status. */
export function paymentDriver(store: PaymentStore): Pick<Running, "submit" | "waitForStatus"> {
  return {
    async submit(input) {
      const ref = { account, orderNumber: input.orderNumber };
      const created = await store.create({ ...ref, payment: newPayment(input), requestHash: `h-${input.orderNumber}`, authCode: input.authCode });
      if (!created.created) throw new Error(`payment ${input.orderNumber} exists`);
      return ref;
    },
    waitForStatus: (ref, statuses, timeoutMs = 5_000) => waitForStatusOf(() => store.get(ref), statuses, `payment ${ref.orderNumber}`, timeoutMs),
  };
}

/** Real Redis (per-test prefix), real sandbox on a free port, real BullMQ, payer in-process. */
export function usePayerEnv(): PayerEnv {
  const redis = useRedis();
  const stores = loadStoresFile(storesFile, {});
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function start(options: StartOptions = {}): Promise<Running> {
    const sandbox = buildSandbox({ credentials: stores, pendingMs: 100, noticeRetryDelaysMs: [0], ...options.sandbox });
    await sandbox.app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => sandbox.close());
    const sandboxUrl = `http://127.0.0.1:${(sandbox.app.server.address() as AddressInfo).port}`;
    const newClient = () => new OceanpaymentClient({ gatewayUrl: sandboxUrl, queryUrl: options.queryUrl ?? sandboxUrl, timeouts: options.timeouts });
    const store = new PaymentStore({ redis: redis.client(), keyPrefix: redis.prefix });
    if (options.setup) {
      const client = newClient();
      closers.push(() => client.close());
      await options.setup({ store, client, sandbox });
    }
    const launch = async (registry: Registry) => {
      const client = newClient();
      const { reviewQueryMs, outageBackoff, submitJobOptions, refundJobOptions, reconcile, ...set }: PayerOptions = {
        // Notices go nowhere here: every settlement must come from a query.
        noticeUrl: "http://127.0.0.1:9/notice",
        concurrency: 50,
        reconcileIntervalsMs: [50, 100, 200],
        reconcileTickMs: 20,
        submitJobOptions: fastJobOptions,
        refundJobOptions: fastJobOptions,
        refundReconcileIntervalsMs: [50, 100, 200],
        outageBackoff: fastOutageBackoff,
        // The client's deadline, which also spaces a refund's resend (`resendAfterMs`).
        payTimeoutMs: options.timeouts?.payMs,
        ...options.payer,
      };
      const tuning: PayerTuning = { reviewQueryMs, outageBackoff, submitJobOptions, refundJobOptions, reconcile };
      const payer = await createPayer(testPayerConfig(redis.prefix, set), {
        stores,
        logger: createLogger({ name: "payer-test", level: process.env.TEST_LOG_LEVEL ?? "silent" }),
        connect: redisConnector(redis.url),
        client,
        registry,
        tuning: Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined)),
      });
      closers.push(() => payer.close());
      await payer.start();
      return { payer, client };
    };
    const registry = new Registry();
    const { payer, client } = await launch(registry);

    const running: Running = {
      sandbox, sandboxUrl, payer, registry, store, client,
      ...paymentDriver(store),
      async charges(number) {
        const res = await fetch(`${sandboxUrl}/sandbox/ledger/${number}`);
        if (res.status === 404) return 0;
        return ((await res.json()) as { charges: number }).charges;
      },
      async faults(update) {
        const res = await fetch(`${sandboxUrl}/sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(update) });
        if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
      },
      async clearFaults() {
        const res = await fetch(`${sandboxUrl}/sandbox/faults`, { method: "DELETE" });
        if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
      },
      async scan(number, outcome) {
        const res = await fetch(`${sandboxUrl}/sandbox/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ orderNumber: number, outcome }) });
        if (!res.ok) throw new Error(`scan: ${res.status} ${await res.text()}`);
      },
      async requestVoid(ref) {
        const job = paymentJob("voidPayment", ref, {}, { ...jobCatalog.voidPayment.options, backoff: { type: "exponential", delay: 30, jitter: 0.5 } });
        await payer.voidQueue.add(job.name, job.data, job.opts);
      },
      async startAnother() {
        return (await launch(new Registry())).payer;
      },
      async counter(name, labels = {}) {
        const metric = registry.getSingleMetric(name);
        if (!metric) throw new Error(`no metric ${name}`);
        const { values } = await metric.get();
        return values
          .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
          .reduce((sum, v) => sum + v.value, 0);
      },
    };
    return running;
  }

  return { redis, stores, start };
}
