import {
  commonEnvShape,
  envConsumerGroup,
  envDatabaseUrl,
  envDurationMs,
  envHost,
  envHttpUrl,
  envPort,
  envPositiveInt,
  envPositiveNumber,
  loadConfig,
  oceanpaymentEnvShape,
  publicApiEnvShape,
  resolveCommon,
} from "@oceanpos/core/config";
import { z } from "zod";
import { isTimeZone } from "./http/time-zone.js";

export const ledgerDefaults = {
  databaseUrl: "postgres://postgres@127.0.0.1:5432/oceanpos",
  timeZone: "Asia/Shanghai",
  intakeUrl: "http://127.0.0.1:3000",
  notifierUrl: "http://127.0.0.1:3001",
} as const;

export const LedgerConfig = z
  .object({
    ...commonEnvShape,
    ...publicApiEnvShape,
    LEDGER_PORT: envPort(3003),
    LEDGER_HOST: envHost(),
    /** The system of record. */
    DATABASE_URL: envDatabaseUrl(ledgerDefaults.databaseUrl),
    /** Connections of this process to PostgreSQL: one for the drain (and migrations), the rest for reads and exports. */
    DATABASE_POOL_SIZE: envPositiveInt(10, { min: 2, max: 200 }),
    /** A read (list, report) running longer than this is cancelled by PostgreSQL; exports are not bounded. */
    DATABASE_STATEMENT_TIMEOUT_MS: envDurationMs(30_000, { min: 100 }),
    /** The zone of the gateway's times; the daily report's default `timeZone`. */
    GATEWAY_TIME_ZONE: z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai").default(ledgerDefaults.timeZone),
    /** Consumer group of the drain on the event stream, shared by every ledger replica. */
    LEDGER_GROUP: envConsumerGroup("ledger"),
    /** Events read and written to PostgreSQL per transaction, at most. */
    LEDGER_BATCH_SIZE: envPositiveInt(500, { max: 10_000 }),
    /** Entries a dead ledger read but never committed are claimed by another after this long. */
    LEDGER_CLAIM_IDLE_MS: envDurationMs(60_000, { min: 100 }),
    /**
     * Oceanpayment's hosts: the query host for the reconciliation's QueryOrdersList and refund
     * queries and for operators' queries; the gateway host for the void a resolve to failed may need.
     */
    ...oceanpaymentEnvShape,
    /** The payers' per-terminal gateway rate: the reconciliation's pages take from the same bucket. */
    GATEWAY_RATE_PER_TERMINAL: envPositiveNumber(50),
    GATEWAY_BURST_PER_TERMINAL: envPositiveInt(100, { max: 100_000 }),
    /** Local time (`HH:MM`, GATEWAY_TIME_ZONE) of the daily reconciliation of the day before; `off`: on demand only. */
    RECONCILIATION_AT: z
      .string()
      .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|off)$/, "must be HH:MM (24-hour) or off")
      .default("02:00"),
    /** Tries of one QueryOrdersList page before the run fails. */
    RECONCILIATION_PAGE_ATTEMPTS: envPositiveInt(5, { max: 50 }),
    /** First pause between tries of a page (doubling, at most 30 s). */
    RECONCILIATION_RETRY_DELAY_MS: envDurationMs(1_000, { min: 1 }),
    /**
     * Days a final payment stays in Redis after its last change (or its refunds' last change),
     * then leaves it once archived: the idempotency window of `orderNumber`. Decimals accepted
     * (tests, benchmarks); longer than Oceanpayment's 30-day duplicate guard by default.
     */
    PAYMENT_RETENTION_DAYS: envPositiveNumber(35),
    /** How often a ledger tries to run the retention sweep (one ledger sweeps at a time). */
    LEDGER_RETENTION_SWEEP_INTERVAL_MS: envDurationMs(60_000, { min: 100 }),
    /** Payments checked and removed per round of the sweep. */
    LEDGER_RETENTION_SWEEP_BATCH: envPositiveInt(500, { max: 10_000 }),
    /** Where the console's `/console/api/intake/*` goes (the intake's base URL). */
    CONSOLE_INTAKE_URL: envHttpUrl(ledgerDefaults.intakeUrl),
    /** Where the console's `/console/api/notifier/*` goes (the notifier's base URL). */
    CONSOLE_NOTIFIER_URL: envHttpUrl(ledgerDefaults.notifierUrl),
  })
  .transform(resolveCommon);
export type LedgerConfig = z.output<typeof LedgerConfig>;

export function loadLedgerConfig(env: Record<string, string | undefined>): Readonly<LedgerConfig> {
  return loadConfig(LedgerConfig, env);
}
