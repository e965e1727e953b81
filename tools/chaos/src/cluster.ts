import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PostgresServerProcess, RedisServerProcess, freePort } from "@oceanpos/harness";
import { ServiceProcess, repoRoot } from "./service-process.js";

export interface ClusterOptions {
  /** Redis data (append-only file) and one log file per process go here. */
  workDir: string;
  /** LOG_LEVEL of the services. */
  logLevel: string;
  /** SANDBOX_AUTO_PAY_MS: customer_scan QRs are paid this long after they are shown. */
  autoPayMs: number;
  /** SANDBOX_PENDING_MS: codes ending in 7 succeed this long after answering pending. */
  pendingMs: number;
  /** WEBHOOK_RETRY_SCALE of the notifiers. */
  webhookRetryScale: number;
  /** NOTICE_URL of payer 1 and payer 2 (default: notifier 1's and notifier 2's notice URL), e.g. a recording proxy in front of each. */
  payerNoticeUrls?: readonly [string, string];
}

export const adminToken = "demo-admin";
/** The ledgers' GATEWAY_TIME_ZONE: the zone of the days the end check reconciles. */
export const gatewayTimeZone = "Asia/Shanghai";

/**
 * The system as separate processes on 127.0.0.1: a Redis (AOF, `appendfsync always`), one
 * sandbox, one intake, two payers, two notifiers, and two ledgers on a PostgreSQL of the run's
 * own (an embedded server, deleted afterwards). Payer 1 has the sandbox send its notices to
 * notifier 1, payer 2 to notifier 2 (or through `payerNoticeUrls`). Every knob that makes recovery slow in production (stall
 * detection, reconciliation, sweeps, webhook retries) is shortened so a run settles in minutes.
 */
export class Cluster {
  readonly redis: RedisServerProcess;
  readonly sandbox: ServiceProcess;
  readonly intake: ServiceProcess;
  readonly payers: readonly ServiceProcess[];
  readonly notifiers: readonly ServiceProcess[];
  readonly ledgers: readonly ServiceProcess[];
  readonly postgres: PostgresServerProcess;
  readonly logDir: string;

  private constructor(redis: RedisServerProcess, postgres: PostgresServerProcess, logDir: string, services: ServiceProcess[]) {
    this.redis = redis;
    this.postgres = postgres;
    this.logDir = logDir;
    const [sandbox, intake, payer1, payer2, notifier1, notifier2, ledger1, ledger2] = services as [
      ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess,
    ];
    this.sandbox = sandbox;
    this.intake = intake;
    this.payers = [payer1, payer2];
    this.notifiers = [notifier1, notifier2];
    this.ledgers = [ledger1, ledger2];
  }

  get all(): ServiceProcess[] {
    return [this.sandbox, this.intake, ...this.payers, ...this.notifiers, ...this.ledgers];
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const logDir = join(o.workDir, "logs");
    const redisDir = join(o.workDir, "redis");
    mkdirSync(logDir, { recursive: true });
    mkdirSync(redisDir, { recursive: true });
    const redis = await RedisServerProcess.start({ dir: redisDir });
    const postgres = await PostgresServerProcess.start();
    const ports = (await distinctPorts(8)) as [number, number, number, number, number, number, number, number];
    const [sandboxPort, intakePort, payer1Port, payer2Port, notifier1Port, notifier2Port, ledger1Port, ledger2Port] = ports;
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const common: Record<string, string> = {
      NODE_ENV: "development",
      LOG_LEVEL: o.logLevel,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: "op",
      STORES_FILE: join(repoRoot, "config/stores.example.json"),
      ADMIN_TOKEN: adminToken,
      SHUTDOWN_TIMEOUT_MS: "5000",
      INIT_CWD: repoRoot,
    };
    const payer = (name: string, port: number, noticeUrl: string) => ({
      name,
      dir: "services/payer",
      port,
      env: {
        ...common,
        PAYER_PORT: String(port),
        NOTICE_URL: noticeUrl,
        OCEANPAYMENT_GATEWAY_URL: sandboxUrl,
        OCEANPAYMENT_QUERY_URL: sandboxUrl,
        OCEANPAYMENT_PAY_TIMEOUT_MS: "3000",
        OCEANPAYMENT_QUERY_TIMEOUT_MS: "2000",
        PAYER_LOCK_DURATION_MS: "5000",
        PAYER_STALLED_INTERVAL_MS: "2000",
        // A killed payer's first sends come back as soon as its jobs do.
        SUBMIT_FEED_CLAIM_IDLE_MS: "5000",
        RECONCILE_SCHEDULE_MS: "500,1000,2000,3000",
        REFUND_RECONCILE_SCHEDULE_MS: "500,1000,2000,3000",
        RECONCILE_TICK_MS: "200",
        SUBMIT_WATCHDOG_MS: "10000",
        QR_EXPIRY_MS: "120000",
        // Both demo stores share one terminal; the default 50/s would make the terminal the bottleneck.
        GATEWAY_RATE_PER_TERMINAL: "500",
        GATEWAY_BURST_PER_TERMINAL: "1000",
      },
    });
    const notifier = (name: string, port: number) => ({
      name,
      dir: "services/notifier",
      port,
      env: {
        ...common,
        NOTIFIER_PORT: String(port),
        ALLOW_PRIVATE_WEBHOOK_URLS: "true",
        WEBHOOK_RETRY_SCALE: String(o.webhookRetryScale),
        WEBHOOK_TIMEOUT_MS: "5000",
        WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: "16",
        SUBSCRIPTION_REFRESH_MS: "500",
        // A killed notifier's events come back as soon as a killed payer's first sends do.
        RELAY_CLAIM_IDLE_MS: "5000",
      },
    });
    const ledger = (name: string, port: number) => ({
      name,
      dir: "services/ledger",
      port,
      // A killed ledger's uncommitted batch is claimed by the other one this soon.
      env: {
        ...common,
        LEDGER_PORT: String(port),
        DATABASE_URL: postgres.url(),
        LEDGER_CLAIM_IDLE_MS: "5000",
        // The reconciliation's QueryOrdersList goes to the sandbox, with the payers' terminal rate;
        // the run reconciles on demand (its end check), never on the daily schedule. The gateway
        // host is where an operator's resolve to failed voids the order first.
        OCEANPAYMENT_GATEWAY_URL: sandboxUrl,
        OCEANPAYMENT_QUERY_URL: sandboxUrl,
        GATEWAY_TIME_ZONE: gatewayTimeZone,
        GATEWAY_RATE_PER_TERMINAL: "500",
        GATEWAY_BURST_PER_TERMINAL: "1000",
        RECONCILIATION_AT: "off",
      },
    });
    const services = [
      new ServiceProcess(
        {
          name: "sandbox",
          dir: "packages/sandbox",
          port: sandboxPort,
          env: {
            ...common,
            SANDBOX_PORT: String(sandboxPort),
            SANDBOX_AUTO_PAY_MS: String(o.autoPayMs),
            SANDBOX_PENDING_MS: String(o.pendingMs),
            SANDBOX_NOTICE_RETRY_SCALE: "0.1",
            SANDBOX_NOTICE_TIMEOUT_MS: "3000",
          },
        },
        logDir,
      ),
      new ServiceProcess(
        {
          name: "intake",
          dir: "services/intake",
          port: intakePort,
          env: { ...common, INTAKE_PORT: String(intakePort), RECOVERY_SWEEP_INTERVAL_MS: "1000", RECOVERY_SWEEP_AGE_MS: "5000" },
        },
        logDir,
      ),
      new ServiceProcess(payer("payer-1", payer1Port, o.payerNoticeUrls?.[0] ?? noticeUrlOf(notifier1Port)), logDir),
      new ServiceProcess(payer("payer-2", payer2Port, o.payerNoticeUrls?.[1] ?? noticeUrlOf(notifier2Port)), logDir),
      new ServiceProcess(notifier("notifier-1", notifier1Port), logDir),
      new ServiceProcess(notifier("notifier-2", notifier2Port), logDir),
      new ServiceProcess(ledger("ledger-1", ledger1Port), logDir),
      new ServiceProcess(ledger("ledger-2", ledger2Port), logDir),
    ];
    const cluster = new Cluster(redis, postgres, logDir, services);
    try {
      // The sandbox first (payers find their gateway), then the rest together.
      await cluster.sandbox.start();
      await Promise.all(cluster.all.slice(1).map((s) => s.start()));
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** Stops every service (SIGTERM, then SIGKILL after a deadline) and then Redis and PostgreSQL. Safe twice. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop()));
    await this.redis.stop();
    await this.postgres.destroy().catch(() => undefined);
  }

  /** Immediate SIGKILL of everything (Ctrl-C while the run is being torn down). */
  async kill(): Promise<void> {
    await Promise.all(this.all.map((s) => s.kill("SIGKILL")));
    await this.redis.stop({ hard: true });
    await this.postgres.stop({ hard: true }).catch(() => undefined);
  }
}

const noticeUrlOf = (port: number) => `http://127.0.0.1:${port}/oceanpayment/notice`;

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
