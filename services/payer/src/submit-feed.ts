import { type JobPayload, jobCatalog, paymentJob } from "@oceanpos/core/jobs";
import type { Logger } from "@oceanpos/core/logger";
import { type PaymentRef, type PaymentStore, submitFeed, submitFeedRef } from "@oceanpos/core/payments";
import type { Redis } from "@oceanpos/core/redis";
import type { Queue } from "bullmq";
import { FirstAttemptFeed, type SubmitJobOptions } from "./first-attempt-feed.js";
import type { PayerMetrics } from "./payer-metrics.js";
import type { SubmitProcessor } from "./submit-processor.js";

export type { SubmitJobOptions } from "./first-attempt-feed.js";

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
 * A `FirstAttemptFeed` whose unit is `SubmitProcessor.submit`; what must wait or be retried
 * becomes a submit job. A claimed entry of a dead payer is a resumed submit (a `submitting`
 * payment is queried before any resend).
 */
export class SubmitFeed extends FirstAttemptFeed<PaymentRef, JobPayload<"submitPayment">> {
  constructor(o: SubmitFeedOptions) {
    const { submit, store, metrics, jobOptions, ...rest } = o;
    super({
      ...rest,
      group: submitFeed.group,
      name: "submit feed",
      jobOptions: jobOptions ?? jobCatalog.submitPayment.options,
      runs: metrics.feedRuns,
      unit: {
        refOf: submitFeedRef,
        entryId: (ref) => store.feedEntryId(ref),
        run: (ref, run) => submit.submit(ref, run),
        job: (ref, start, options) => paymentJob("submitPayment", ref, start, options),
        jobId: (ref) => jobCatalog.submitPayment.jobId(ref),
      },
    });
  }
}
