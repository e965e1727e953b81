import { type IdentifiedJob, type JobPayload, addJobs, jobCatalog, paymentJob } from "@oceanpos/core/jobs";
import type { Logger } from "@oceanpos/core/logger";
import { assertNever } from "@oceanpos/core/oceanpayment";
import { type PaymentRef, type PaymentStore, submitFeed, submitFeedRef } from "@oceanpos/core/payments";
import { type Redis, type StartedWork, type StreamEntry, StreamGroupWorker } from "@oceanpos/core/redis";
import type { JobsOptions, Queue } from "bullmq";
import type { PayerMetrics } from "./payer-metrics.js";
import type { SubmitProcessor } from "./submit-processor.js";

/** What the payer's submit jobs are given: the catalog's, or a test's shorter ones. */
export type SubmitJobOptions = JobsOptions & { attempts: number; backoff: { type: "fixed" | "exponential"; delay: number; jitter?: number } };

export interface SubmitFeedOptions {
  /** A dedicated connection (worker role): the blocking read holds it. Closed with the feed. */
  redis: Redis;
  /** Acknowledgements, renewals and look-ups, while a read may hold `redis` (the store's connection). */
  acks: Redis;
  /** `redisKeys(prefix).submits`. */
  streamKey: string;
  /** This process's consumer name (unique per process). */
  consumer: string;
  submit: SubmitProcessor;
  /** Where each payment's feed entry id is kept. */
  store: PaymentStore;
  /** Where a first send that must wait or be retried goes. */
  queue: Queue<JobPayload<"submitPayment">>;
  /** Attempts and backoff of those jobs (and of the first send's count); default the catalog's. */
  jobOptions?: SubmitJobOptions;
  metrics: PayerMetrics;
  logger: Logger;
  /** First sends in flight at most (`PAYER_CONCURRENCY`, as many again as the submit worker's). */
  concurrency: number;
  /** Entries of a dead payer unacknowledged this long are claimed by another; default 60 000 ms. */
  claimIdleMs?: number;
  /** XREADGROUP BLOCK time; default 5 000 ms. */
  blockMs?: number;
}

/**
 * The payer's first sends, straight from the submit feed the create script writes: no BullMQ job
 * (its add, fetch and completion were most of the payer's and Redis's queue cost per payment).
 * Reading, renewing, acknowledging and closing are core's `StreamGroupWorker`, as for the
 * notifier's relay; at most `concurrency` first sends run at once. Each entry runs
 * `SubmitProcessor.submit` and carries out how that run ended: done, or handed to a submit job,
 * a parked run (rate-limited terminal, or a gateway that did not answer) as a delayed job, a retry
 * as a job that counts this run as its first attempt; the entry is acknowledged then.
 *
 * A payer that dies leaves its entries pending: another payer claims them after `claimIdleMs` and
 * runs them again, which is a resumed submit (a `submitting` payment is queried before any resend).
 */
export class SubmitFeed {
  private readonly worker: StreamGroupWorker;
  private readonly jobOptions: SubmitJobOptions;

  constructor(private readonly o: SubmitFeedOptions) {
    this.jobOptions = o.jobOptions ?? jobCatalog.submitPayment.options;
    this.worker = new StreamGroupWorker({
      redis: o.redis,
      acks: o.acks,
      streamKey: o.streamKey,
      group: submitFeed.group,
      consumer: o.consumer,
      name: "submit feed",
      logger: o.logger,
      // Payments created while no payer ran are still to be sent.
      startId: "0",
      ...(o.claimIdleMs === undefined ? {} : { claimIdleMs: o.claimIdleMs }),
      ...(o.blockMs === undefined ? {} : { blockMs: o.blockMs }),
      maxInFlight: o.concurrency,
      work: (entries) => Promise.resolve(this.firstSends(entries)),
      onSettled: (_id, settled) => o.metrics.feedRuns.inc({ result: settled.acknowledged ? String(settled.values[0]) : "left_pending" }),
    });
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  /**
   * Stops reading; first sends in flight get `graceMs` to finish. One still running then is left
   * pending, for another payer to claim (and query first).
   */
  close(graceMs = 10_000): Promise<void> {
    return this.worker.close(graceMs);
  }

  /**
   * Whether the payment's first send is still to be made or being made: its entry is unread, or
   * read and unacknowledged (in flight, or held by a dead payer until another claims it). False
   * for a payment without one (created before the feed, or its entry trimmed unread).
   */
  async entryPending(ref: PaymentRef): Promise<boolean> {
    const id = await this.o.store.feedEntryId(ref);
    return id !== undefined && (await this.worker.outstanding(id));
  }

  private firstSends(entries: readonly StreamEntry[]): StartedWork {
    const running = new Map<string, Promise<unknown>[]>();
    let malformed = 0;
    for (const [id, fields] of entries) {
      const ref = submitFeedRef(fields);
      // Deleted while pending, or not written by the create script: nothing to send.
      if (ref) running.set(id, [this.run(id, ref)]);
      else malformed++;
    }
    if (malformed > 0) this.o.logger.warn({ count: malformed }, "submit feed entries without a payment: acknowledged");
    return { running };
  }

  /** One first send, carried out: `sent` (the run ended here) or `queued` (handed to a job). */
  private async run(id: string, ref: PaymentRef): Promise<"sent" | "queued"> {
    const end = await this.o.submit.submit(ref, { id: `feed:${id}`, attemptsMade: 0, attempts: this.jobOptions.attempts });
    switch (end.end) {
      case "done":
        return "sent";
      case "park":
        // A delayed job takes over, no attempt used.
        await this.handOver(paymentJob("submitPayment", ref, { delayMs: end.delayMs, reservedAt: end.reservedAt }, this.jobOptions));
        return "queued";
      case "retry":
        // The job's first run is the second attempt.
        await this.handOver(paymentJob("submitPayment", ref, { priorAttempts: 1, delayMs: firstRetryDelayMs(this.jobOptions.backoff) }, this.jobOptions));
        return "queued";
      default:
        return assertNever(end);
    }
  }

  /** A submit job for what the feed could not finish now; its id is the payment's, so it exists once. */
  private handOver(job: IdentifiedJob<JobPayload<"submitPayment">>): Promise<void> {
    return addJobs(this.o.queue, [job]);
  }
}

/** The backoff's first step, with its jitter, as BullMQ would wait before a job's second attempt. */
function firstRetryDelayMs(backoff: SubmitJobOptions["backoff"]): number {
  return Math.round(backoff.delay * (1 - (backoff.jitter ?? 0) * Math.random()));
}
