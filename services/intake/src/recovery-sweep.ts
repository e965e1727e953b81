import { type IdentifiedJob, refundJob } from "@oceanpos/core/jobs";
import type { PaymentStore } from "@oceanpos/core/payments";
import type { RefundStore } from "@oceanpos/core/refunds";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { type RefundQueue, type SubmitQueue, submitJob } from "./jobs.js";
import type { IntakeMetrics } from "./metrics.js";

export interface RecoverySweepOptions {
  payments: PaymentStore;
  submitQueue: SubmitQueue;
  /** Refunds still `accepted` get a refund job the same way; absent: payments only. */
  refunds?: { store: RefundStore; queue: RefundQueue };
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
 * The safety net under the submit and refund feeds: a payment (a refund) is created with its feed
 * entry in one atomic step, but an entry can still go unread (trimmed from a feed that payers left
 * unread for long, a Redis that lost its stream or group). Every interval, payments and refunds
 * accepted longer than `ageMs` ago get a submit (refund) job, or their failed one retried. The job
 * id is derived from the payment (refund), so a job that already exists is not duplicated: running
 * this on every intake replica is harmless, and a job that races a late feed entry is a resumed
 * one, which queries before any resend.
 */
export class RecoverySweep {
  private readonly options: Required<Omit<RecoverySweepOptions, "metrics" | "refunds">> & Pick<RecoverySweepOptions, "metrics" | "refunds">;
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
    const { payments, submitQueue, clock, ageMs, batchSize, refunds } = this.options;
    const before = new Date(clock().getTime() - ageMs);
    const paymentJobs = (await payments.acceptedBefore(before, batchSize)).map((ref) => submitJob(ref));
    const requeued = await this.requeue(submitQueue, paymentJobs, "payments");
    if (!refunds) return requeued;
    const refundJobs = (await refunds.store.acceptedBefore(before, batchSize)).map((ref) => refundJob(ref));
    return requeued + (await this.requeue(refunds.queue, refundJobs, "refunds"));
  }

  private async requeue<T>(queue: Queue<T>, jobs: readonly IdentifiedJob<T>[], what: "payments" | "refunds"): Promise<number> {
    if (jobs.length === 0) return 0;
    await queue.addBulk(jobs.map((j) => ({ name: j.name as never, data: j.data as never, opts: j.opts })));
    // A job that used up its attempts while its payment (refund) stayed `accepted` (Redis failing
    // under the payer) is kept as failed under the same id, so adding it again did nothing:
    // retry it instead, or it would wait for ever.
    for (const { opts } of jobs) {
      const job = await queue.getJob(opts.jobId);
      if (job && (await job.isFailed())) await job.retry("failed");
    }
    this.options.metrics?.sweepRequeued.inc(jobs.length);
    this.options.logger.info({ count: jobs.length }, `recovery sweep re-queued ${what} still accepted`);
    return jobs.length;
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
