import { type JobPayload, jobCatalog } from "@oceanpos/core/jobs";
import type { PaymentRef } from "@oceanpos/core/payments";
import type { Queue } from "bullmq";

export type SubmitQueue = Queue<JobPayload<"submitPayment">>;
export type VoidQueue = Queue<JobPayload<"voidPayment">>;

/** The BullMQ queues the intake produces to (prefix `redisKeys(prefix).bullPrefix`). */
export interface IntakeQueues {
  submit: SubmitQueue;
  void: VoidQueue;
}

/** A submit job for `addBulk`; its id comes from the payment, so adding it twice is harmless. */
export function submitJob(ref: PaymentRef) {
  const spec = jobCatalog.submitPayment;
  const data = spec.schema.parse({ account: ref.account, orderNumber: ref.orderNumber });
  return { name: spec.name, data, opts: { ...spec.options, jobId: spec.jobId(data) } };
}

/** A void job; one per payment for the same reason. */
export function voidJob(ref: PaymentRef) {
  const spec = jobCatalog.voidPayment;
  const data = spec.schema.parse({ account: ref.account, orderNumber: ref.orderNumber });
  return { name: spec.name, data, opts: { ...spec.options, jobId: spec.jobId(data) } };
}

/**
 * Every queue named in the job catalog, read from it (not listed here) so that a queue added to
 * the catalog appears on the dashboard without touching the intake.
 */
export function catalogQueueNames(): string[] {
  return [...new Set(Object.values(jobCatalog).map((spec) => spec.queue))];
}
