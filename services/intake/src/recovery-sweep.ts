import type { PaymentStore } from "@oceanpos/core/payments";
import type { Logger } from "pino";
import { type SubmitQueue, submitJob } from "./jobs.js";
import type { IntakeMetrics } from "./metrics.js";

export interface RecoverySweepOptions {
  payments: PaymentStore;
  submitQueue: SubmitQueue;
  logger: Logger;
  metrics?: IntakeMetrics;
  /** Time between two sweeps; default 15 000 ms. */
  intervalMs?: number;
  /** A payment still `accepted` this long after creation gets a submit job; default 120 000 ms. */
  ageMs?: number;
  /** At most this many payments per sweep (the next sweep takes the rest); default 1 000. */
  batchSize?: number;
  clock?: () => Date;
}

/**
 * The safety net under the submit feed: a payment is created with its feed entry in one atomic
 * step, but an entry can still go unread (trimmed from a feed that payers left unread for long,
 * a Redis that lost its stream or group). Every interval, payments accepted longer than `ageMs`
 * ago get a submit job (or their failed one retried). The job id is derived from the payment, so a
 * job that already exists is not duplicated: running this on every intake replica is harmless,
 * and a job that races a late feed entry is a resumed submit, which queries before any resend.
 */
export class RecoverySweep {
  private readonly options: Required<Omit<RecoverySweepOptions, "metrics">> & { metrics?: IntakeMetrics };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(options: RecoverySweepOptions) {
    this.options = {
      intervalMs: 15_000,
      ageMs: 120_000,
      batchSize: 1_000,
      clock: () => new Date(),
      ...options,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops the timer and waits for a sweep in progress. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One sweep; resolves with the number of jobs (re-)added. */
  async runOnce(): Promise<number> {
    const { payments, submitQueue, clock, ageMs, batchSize, logger, metrics } = this.options;
    const refs = await payments.acceptedBefore(new Date(clock().getTime() - ageMs), batchSize);
    if (refs.length === 0) return 0;
    await submitQueue.addBulk(refs.map((ref) => submitJob(ref)));
    // A submit job that used up its attempts while its payment stayed `accepted` (Redis failing
    // under the payer) is kept as failed under the same id, so adding it again did nothing:
    // retry it instead, or the payment would wait for ever.
    for (const ref of refs) {
      const job = await submitQueue.getJob(submitJob(ref).opts.jobId);
      if (job && (await job.isFailed())) await job.retry("failed");
    }
    metrics?.sweepRequeued.inc(refs.length);
    logger.info({ count: refs.length }, "recovery sweep re-queued payments still accepted");
    return refs.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce();
      this.running
        .catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, "recovery sweep failed; will retry"))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
