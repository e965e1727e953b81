import type { JobsOptions } from "bullmq";
import { z } from "zod";

const PaymentJob = z.strictObject({
  account: z.string().regex(/^[A-Za-z0-9]{6}$/),
  orderNumber: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/),
  /** The job was parked until this time (ms) for a gateway call it reserved at the terminal's rate limit. */
  reservedAt: z.number().int().positive().optional(),
});

/**
 * A submit job: a payment's first send that had to wait (rate-limited terminal) or its retries.
 * `priorAttempts`: failed runs made before the job existed (a first send from the submit feed);
 * they count against the catalog's `attempts`.
 */
const SubmitJob = PaymentJob.extend({ priorAttempts: z.number().int().min(0).max(20).optional() });

/**
 * Every job of the system: its queue, its payload schema and its default options. Producers and
 * consumers both validate against the same schema. Job ids are derived from the payment so that
 * adding the same job twice (a retry of intake, the recovery sweep) is harmless; BullMQ forbids
 * `:` in custom ids, and account + orderNumber contain none.
 */
export const jobCatalog = {
  submitPayment: {
    queue: "payments",
    name: "submit",
    schema: SubmitJob,
    jobId: (d: z.infer<typeof PaymentJob>) => `submit-${d.account}-${d.orderNumber}`,
    options: {
      attempts: 8,
      backoff: { type: "exponential", delay: 500, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    } satisfies JobsOptions,
  },
  voidPayment: {
    queue: "voids",
    name: "void",
    schema: PaymentJob,
    jobId: (d: z.infer<typeof PaymentJob>) => `void-${d.account}-${d.orderNumber}`,
    options: {
      attempts: 8,
      backoff: { type: "exponential", delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    } satisfies JobsOptions,
  },
} as const;

export type JobKind = keyof typeof jobCatalog;
export type JobPayload<K extends JobKind> = z.infer<(typeof jobCatalog)[K]["schema"]>;
export { PaymentJob };
