import { commonEnvShape, envBoolean, envDatabaseUrl, envDurationMs, envHost, envPort, envPositiveInt, loadConfig, oceanpaymentEnvShape, publicApiEnvShape, resolveCommon } from "@oceanpos/core/config";
import { z } from "zod";

export const IntakeConfig = z
  .object({
    ...commonEnvShape,
    ...publicApiEnvShape,
    INTAKE_PORT: envPort(3000),
    INTAKE_HOST: envHost(),
    /** Largest accepted request body; a batch of 500 full payments fits in 1 MiB. */
    INTAKE_BODY_LIMIT_BYTES: envPositiveInt(1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
    /** How often the recovery sweep looks for payments no payer took up. */
    RECOVERY_SWEEP_INTERVAL_MS: envDurationMs(15_000, { min: 100 }),
    /**
     * A payment still `accepted` after this long gets a submit job from the sweep: longer than the
     * submit feed's usual lag, so that the job is rarely a second run of a first send (which would be
     * harmless, only wasted).
     */
    RECOVERY_SWEEP_AGE_MS: envDurationMs(120_000),
    /**
     * The archive (PostgreSQL), read only for payments that have left Redis
     * (`PAYMENT_RETENTION_DAYS`). Readiness does not depend on it: while it is down only those
     * reads (and refunds of such payments) answer 503.
     */
    DATABASE_URL: envDatabaseUrl(),
    /** Connections to the archive, at most. */
    DATABASE_POOL_SIZE: envPositiveInt(4, { max: 100 }),
    /** Bull Board at /admin/queues shows jobs but changes nothing (retry, clean, pause…) unless `false`. */
    BULL_BOARD_READ_ONLY: envBoolean(true),
    /** The gateway an operator's query and resolve ask (a void before a resolve to failed). */
    ...oceanpaymentEnvShape,
  })
  .transform(resolveCommon);
export type IntakeConfig = z.output<typeof IntakeConfig>;

export function loadIntakeConfig(env: Record<string, string | undefined>): Readonly<IntakeConfig> {
  return loadConfig(IntakeConfig, env);
}
