import { commonEnvShape, envConsumerGroup, envDurationMs, envHost, envHttpUrl, envPort, envPositiveInt, loadConfig, resolveCommon } from "@oceanpos/core/config";
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
    LEDGER_PORT: envPort(3003),
    LEDGER_HOST: envHost(),
    /** The system of record. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL")
      .default(ledgerDefaults.databaseUrl),
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
