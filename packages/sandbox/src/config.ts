import { commonEnvShape, envDurationMs, envHost, envPort, loadConfig, resolveStoresFile } from "@oceanpos/core/config";
import { z } from "zod";

/**
 * The sandbox's environment. Only the common variables it uses (no Redis, no admin token: an
 * emulator has neither), plus its own.
 */
export const SandboxConfig = z
  .object({
    NODE_ENV: commonEnvShape.NODE_ENV,
    LOG_LEVEL: commonEnvShape.LOG_LEVEL,
    LOG_FORMAT: commonEnvShape.LOG_FORMAT,
    NO_COLOR: commonEnvShape.NO_COLOR,
    STORES_FILE: commonEnvShape.STORES_FILE,
    SHUTDOWN_TIMEOUT_MS: commonEnvShape.SHUTDOWN_TIMEOUT_MS,
    HEAP_GROWING_PERCENT: commonEnvShape.HEAP_GROWING_PERCENT,
    INIT_CWD: commonEnvShape.INIT_CWD,
    SANDBOX_PORT: envPort(3100),
    SANDBOX_HOST: envHost(),
    /** Payment codes ending in 7 succeed this long after answering pending. */
    SANDBOX_PENDING_MS: envDurationMs(2_000),
    /** A filed refund succeeds this long after applyRefund (when the balance is sufficient). */
    SANDBOX_REFUND_MS: envDurationMs(1_000),
    /** Unset: customer_scan QRs are only paid through `POST /sandbox/scan`. */
    SANDBOX_AUTO_PAY_MS: z.coerce
      .number({ error: "must be a number of milliseconds" })
      .int("must be a whole number of milliseconds")
      .min(0, "must not be negative")
      .optional(),
    /** One notice delivery attempt gives up after this. */
    SANDBOX_NOTICE_TIMEOUT_MS: envDurationMs(5_000),
    /** Multiplies the notice retry schedule (0, 1, 3, 10, 30 s); e.g. 0.01 in load tests. */
    SANDBOX_NOTICE_RETRY_SCALE: z.coerce.number({ error: "must be a number" }).min(0).max(10).default(1),
  })
  .transform((env) => ({ ...env, STORES_FILE: resolveStoresFile(env) }));
export type SandboxConfig = z.output<typeof SandboxConfig>;

export function loadSandboxConfig(env: Record<string, string | undefined>): Readonly<SandboxConfig> {
  return loadConfig(SandboxConfig, env);
}
