import { envDurationMs, envHttpUrl } from "./env-types.js";

/** The gateway's settings, for every process that calls it (the payer; the intake for operators' queries and resolves). */
export const oceanpaymentEnvShape = {
  /** Pay and void host; default the local sandbox. */
  OCEANPAYMENT_GATEWAY_URL: envHttpUrl("http://127.0.0.1:3100"),
  /** Query and refund host; default the local sandbox. */
  OCEANPAYMENT_QUERY_URL: envHttpUrl("http://127.0.0.1:3100"),
  /** Deadline of a pay or void call; past it the outcome is ambiguous and settled by query. */
  OCEANPAYMENT_PAY_TIMEOUT_MS: envDurationMs(30_000, { min: 100 }),
  OCEANPAYMENT_QUERY_TIMEOUT_MS: envDurationMs(10_000, { min: 100 }),
};

/** The parsed {@link oceanpaymentEnvShape}. */
export interface OceanpaymentSettings {
  OCEANPAYMENT_GATEWAY_URL: string;
  OCEANPAYMENT_QUERY_URL: string;
  OCEANPAYMENT_PAY_TIMEOUT_MS: number;
  OCEANPAYMENT_QUERY_TIMEOUT_MS: number;
}
