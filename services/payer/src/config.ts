import {
  commonEnvShape,
  envDurationList,
  envDurationMs,
  envHost,
  envHttpUrl,
  envPort,
  envPositiveInt,
  envPositiveNumber,
  loadConfig,
  oceanpaymentEnvShape,
  resolveCommon,
} from "@oceanpos/core/config";
import { defaultReconcileIntervalsMs } from "@oceanpos/core/payments";
import { defaultRefundReconcileIntervalsMs } from "@oceanpos/core/refunds";
import { z } from "zod";

export const PayerConfig = z
  .object({
    ...commonEnvShape,
    PAYER_PORT: envPort(3002),
    PAYER_HOST: envHost(),
    /** Jobs a payer process works on at once, and as many first sends from the submit feed. */
    PAYER_CONCURRENCY: envPositiveInt(100, { max: 10_000 }),
    /** BullMQ job lock; a crashed payer's jobs come back once it expires. */
    PAYER_LOCK_DURATION_MS: envDurationMs(30_000, { min: 500 }),
    /** Submit feed entries a dead payer left unacknowledged this long are claimed by another payer. */
    SUBMIT_FEED_CLAIM_IDLE_MS: envDurationMs(60_000, { min: 1_000 }),
    /** How often BullMQ looks for stalled jobs (locks of dead payers). */
    PAYER_STALLED_INTERVAL_MS: envDurationMs(30_000, { min: 100 }),
    /** Where Oceanpayment posts notices (the notifier). */
    NOTICE_URL: envHttpUrl("http://127.0.0.1:3001/oceanpayment/notice"),
    ...oceanpaymentEnvShape,
    /**
     * A pay call still unanswered this long is watched: its order is queried (again after each
     * answer, or after the outage backoff) until the call answers or a query settles the payment,
     * so a gateway that holds requests open does not hold payments for the whole pay deadline.
     */
    OCEANPAYMENT_PAY_QUERY_AFTER_MS: envDurationMs(5_000, { min: 100 }),
    /** Delays between reconciliation queries of an unsettled payment; the last repeats. */
    RECONCILE_SCHEDULE_MS: envDurationList(defaultReconcileIntervalsMs),
    /** How often the reconciler looks for due payments. */
    RECONCILE_TICK_MS: envDurationMs(500, { min: 10 }),
    /** Due payments claimed per tick. */
    RECONCILE_BATCH: envPositiveInt(1_000, { max: 100_000 }),
    /** An unpaid customer_scan QR is voided this long after it was shown. */
    QR_EXPIRY_MS: envDurationMs(600_000, { min: 100 }),
    /** A `submitting` payment still not settled this long after its submit began is looked at by the reconciler. */
    SUBMIT_WATCHDOG_MS: envDurationMs(600_000, { min: 1_000 }),
    /**
     * Settlement window: a payment whose outcome the gateway has still not given this long after
     * its submit began goes to `needs_review` (and keeps being queried). Until then, calls that
     * get no answer are simply made again.
     */
    UNSETTLED_REVIEW_AFTER_MS: envDurationMs(900_000, { min: 1_000 }),
    /**
     * Delays between queries of a refund Oceanpayment holds (`pending`); the last repeats. Default
     * 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, then every 4 h: a refund short of balance waits up to
     * 30 days, and its notice usually settles it first.
     */
    REFUND_RECONCILE_SCHEDULE_MS: envDurationList(defaultRefundReconcileIntervalsMs),
    /**
     * Oceanpayment's refund window: a refund it still holds `pending` this long after its submit
     * began gets one last query, and goes to `needs_review` if that says pending. Default 31 days
     * (Oceanpayment's 30, and a day for its last retry and the notice).
     */
    REFUND_REVIEW_AFTER_MS: envDurationMs(31 * 24 * 3600 * 1000, { min: 1_000 }),
    /** Gateway calls (pay, query, void, refund) per second and terminal. */
    GATEWAY_RATE_PER_TERMINAL: envPositiveNumber(50),
    GATEWAY_BURST_PER_TERMINAL: envPositiveInt(100, { max: 100_000 }),
  })
  .transform(resolveCommon);
export type PayerConfig = z.output<typeof PayerConfig>;

export function loadPayerConfig(env: Record<string, string | undefined>): Readonly<PayerConfig> {
  return loadConfig(PayerConfig, env);
}
