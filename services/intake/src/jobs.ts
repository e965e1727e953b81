import { type JobPayload, jobCatalog, paymentJob } from "@oceanpos/core/jobs";
import type { PaymentRef } from "@oceanpos/core/payments";
import type { Queue } from "bullmq";

export type SubmitQueue = Queue<JobPayload<"submitPayment">>;
export type VoidQueue = Queue<JobPayload<"voidPayment">>;
export type RefundQueue = Queue<JobPayload<"submitRefund">>;

/** The BullMQ queues the intake produces to (prefix `redisKeys(prefix).bullPrefix`). */
export interface IntakeQueues {
  submit: SubmitQueue;
  void: VoidQueue;
  /** Only the recovery sweep adds to it: a refund's first applyRefund comes from the refund feed. */
  refund: RefundQueue;
}

/** A submit job for `addBulk`, from the job catalog's builder: its id comes from the payment, so adding it twice is harmless. */
export function submitJob(ref: PaymentRef) {
  return paymentJob("submitPayment", ref);
}

/** A void job; one per payment for the same reason. */
export function voidJob(ref: PaymentRef) {
  return paymentJob("voidPayment", ref);
}

/**
 * Every queue named in the job catalog, read from it (not listed here) so that a queue added to
 * the catalog appears on the dashboard without touching the intake.
 */
export function catalogQueueNames(): string[] {
  return [...new Set(Object.values(jobCatalog).map((spec) => spec.queue))];
}
