import { type JobPayload, jobCatalog, refundJob } from "@oceanpos/core/jobs";
import { type RefundRef, type RefundStore, refundFeed, refundFeedRef } from "@oceanpos/core/refunds";
import { FirstAttemptFeed, type FirstAttemptFeedOptions, type SubmitJobOptions } from "./first-attempt-feed.js";
import type { RefundProcessor } from "./refund-processor.js";

export type RefundFeedOptions = Omit<FirstAttemptFeedOptions<RefundRef, JobPayload<"submitRefund">>, "group" | "name" | "unit" | "jobOptions"> & {
  refunds: RefundStore;
  processor: RefundProcessor;
  /** Attempts and backoff of the refund jobs; default the catalog's. */
  jobOptions?: SubmitJobOptions;
};

/**
 * The refunds' first applyRefund, straight from the refund feed the refund create script writes,
 * exactly as payments get their first send (`FirstAttemptFeed`); what must wait or be retried
 * becomes a refund job (`jobCatalog.submitRefund`, whose id is the refund's). A claimed entry of a
 * dead payer is a resumed refund: the gateway is asked before any resend.
 */
export class RefundFeed extends FirstAttemptFeed<RefundRef, JobPayload<"submitRefund">> {
  constructor(o: RefundFeedOptions) {
    const { refunds, processor, jobOptions, ...rest } = o;
    super({
      ...rest,
      group: refundFeed.group,
      name: "refund feed",
      jobOptions: jobOptions ?? jobCatalog.submitRefund.options,
      unit: {
        refOf: refundFeedRef,
        entryId: (ref) => refunds.feedEntryId(ref),
        run: (ref, run) => processor.submit(ref, run),
        job: (ref, start, options) => refundJob(ref, start, options),
        jobId: (ref) => jobCatalog.submitRefund.jobId(ref),
      },
    });
  }
}
