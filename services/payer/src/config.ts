import { commonEnvShape, envDurationMs, envPort, loadConfig, resolveCommon } from "@oceanpos/core/config";
import { defaultReconcileIntervalsMs } from "@oceanpos/core/payments";
import { z } from "zod";

const positiveInt = (defaultValue: number, max: number) =>
  z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`).default(defaultValue);

const positiveNumber = (defaultValue: number) =>
  z.coerce.number({ error: "must be a number" }).positive("must be greater than 0").finite().default(defaultValue);

const httpUrl = (defaultValue: string) =>
  z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL")
    .default(defaultValue)
    .transform((v) => v.replace(/\/+$/, ""));

/** `2000,5000,…`: whole milliseconds ≥ 1, at least one; the last interval repeats. */
const msList = (defaultValue: readonly number[]) =>
  z
    .string()
    .default(defaultValue.join(","))
    .transform((v, ctx) => {
      const items = v.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
      const values = items.map(Number);
      if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1)) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of whole milliseconds ≥ 1" });
        return z.NEVER;
      }
      return values;
    });

export const PayerConfig = z
  .object({
    ...commonEnvShape,
    PAYER_PORT: envPort(3002),
    PAYER_HOST: z.string().default("127.0.0.1"),
    /** Jobs a payer process works on at once, and as many first sends from the submit feed. */
    PAYER_CONCURRENCY: positiveInt(100, 10_000),
    /** BullMQ job lock; a crashed payer's jobs come back once it expires. */
    PAYER_LOCK_DURATION_MS: envDurationMs(30_000).pipe(z.number().min(500, "must be at least 500")),
    /** Submit feed entries a dead payer left unacknowledged this long are claimed by another payer. */
    SUBMIT_FEED_CLAIM_IDLE_MS: envDurationMs(60_000).pipe(z.number().min(1_000, "must be at least 1000")),
    /** How often BullMQ looks for stalled jobs (locks of dead payers). */
    PAYER_STALLED_INTERVAL_MS: envDurationMs(30_000).pipe(z.number().min(100, "must be at least 100")),
    /** Where Oceanpayment posts notices (the notifier). */
    NOTICE_URL: httpUrl("http://127.0.0.1:3001/oceanpayment/notice"),
    OCEANPAYMENT_GATEWAY_URL: httpUrl("http://127.0.0.1:3100"),
    OCEANPAYMENT_QUERY_URL: httpUrl("http://127.0.0.1:3100"),
    /** Deadline of a pay or void call; past it the outcome is ambiguous and settled by query. */
    OCEANPAYMENT_PAY_TIMEOUT_MS: envDurationMs(30_000).pipe(z.number().min(100, "must be at least 100")),
    OCEANPAYMENT_QUERY_TIMEOUT_MS: envDurationMs(10_000).pipe(z.number().min(100, "must be at least 100")),
    /** Delays between reconciliation queries of an unsettled payment; the last repeats. */
    RECONCILE_SCHEDULE_MS: msList(defaultReconcileIntervalsMs),
    /** How often the reconciler looks for due payments. */
    RECONCILE_TICK_MS: envDurationMs(500).pipe(z.number().min(10, "must be at least 10")),
    /** Due payments claimed per tick. */
    RECONCILE_BATCH: positiveInt(1_000, 100_000),
    /** An unpaid customer_scan QR is voided this long after it was shown. */
    QR_EXPIRY_MS: envDurationMs(600_000).pipe(z.number().min(100, "must be at least 100")),
    /** A `submitting` payment still not settled this long after its submit began is looked at by the reconciler. */
    SUBMIT_WATCHDOG_MS: envDurationMs(600_000).pipe(z.number().min(1_000, "must be at least 1000")),
    /**
     * Settlement window: a payment whose outcome the gateway has still not given this long after
     * its submit began goes to `needs_review` (and keeps being queried). Until then, calls that
     * get no answer are simply made again.
     */
    UNSETTLED_REVIEW_AFTER_MS: envDurationMs(900_000).pipe(z.number().min(1_000, "must be at least 1000")),
    /** Gateway calls (pay, query, void) per second and terminal. */
    GATEWAY_RATE_PER_TERMINAL: positiveNumber(50),
    GATEWAY_BURST_PER_TERMINAL: positiveInt(100, 100_000),
  })
  .transform(resolveCommon);
export type PayerConfig = z.output<typeof PayerConfig>;

export function loadPayerConfig(env: Record<string, string | undefined>): Readonly<PayerConfig> {
  return loadConfig(PayerConfig, env);
}
