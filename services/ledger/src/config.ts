import { commonEnvShape, envConsumerGroup, envDurationMs, envHost, envPort, envPositiveInt, loadConfig, publicApiEnvShape, resolveCommon } from "@oceanpos/core/config";
import { z } from "zod";
import { isTimeZone } from "./http/time-zone.js";

export const ledgerDefaults = {
  databaseUrl: "postgres://postgres@127.0.0.1:5432/oceanpos",
  timeZone: "Asia/Shanghai",
} as const;

export const LedgerConfig = z
  .object({
    ...commonEnvShape,
    ...publicApiEnvShape,
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
  })
  .transform(resolveCommon);
export type LedgerConfig = z.output<typeof LedgerConfig>;

export function loadLedgerConfig(env: Record<string, string | undefined>): Readonly<LedgerConfig> {
  return loadConfig(LedgerConfig, env);
}
