import { commonEnvShape, envPort, loadConfig, resolveCommon } from "@oceanpos/core/config";
import { z } from "zod";

export const PayerConfig = z
  .object({
    ...commonEnvShape,
    PAYER_PORT: envPort(3002),
    PAYER_HOST: z.string().default("127.0.0.1"),
  })
  .transform(resolveCommon);
export type PayerConfig = z.output<typeof PayerConfig>;

export function loadPayerConfig(env: Record<string, string | undefined>): Readonly<PayerConfig> {
  return loadConfig(PayerConfig, env);
}
