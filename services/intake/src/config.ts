import { commonEnvShape, envDurationMs, envPort, loadConfig, resolveCommon } from "@oceanpos/core/config";
import { z } from "zod";

export const IntakeConfig = z
  .object({
    ...commonEnvShape,
    INTAKE_PORT: envPort(3000),
    INTAKE_HOST: z.string().min(1).default("127.0.0.1"),
    /** Largest accepted request body; a batch of 500 full payments fits in 1 MiB. */
    INTAKE_BODY_LIMIT_BYTES: z.coerce
      .number({ error: "must be a number of bytes" })
      .int("must be a whole number of bytes")
      .min(1024, "must be at least 1024")
      .max(64 * 1024 * 1024, "must be at most 64 MiB")
      .default(1024 * 1024),
    /** How often the recovery sweep looks for payments no payer took up. */
    RECOVERY_SWEEP_INTERVAL_MS: envDurationMs(15_000).pipe(z.number().min(100, "must be at least 100")),
    /**
     * A payment still `accepted` after this long gets a submit job from the sweep: longer than the
     * submit feed's usual lag, so that the job is rarely a second run of a first send (which would be
     * harmless, only wasted).
     */
    RECOVERY_SWEEP_AGE_MS: envDurationMs(120_000),
  })
  .transform(resolveCommon);
export type IntakeConfig = z.output<typeof IntakeConfig>;

export function loadIntakeConfig(env: Record<string, string | undefined>): Readonly<IntakeConfig> {
  return loadConfig(IntakeConfig, env);
}
