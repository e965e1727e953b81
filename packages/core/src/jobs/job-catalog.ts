import type { JobsOptions } from "bullmq";
import { z } from "zod";
import type { PaymentRef } from "../payments/payment-ref.js";
import type { RefundRef } from "../refunds/refund-ref.js";
import type { IdentifiedJob } from "./add-jobs.js";

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
 * A refund job: a refund's applyRefund that had to wait (rate-limited terminal), or what follows an
 * uncertain one (a query first: applyRefund has no idempotency key, a resend is never blind).
 * `priorAttempts` as for submits: runs made from the refund feed before the job existed.
 */
const RefundJob = SubmitJob.extend({ refundNumber: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/) });

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
  submitRefund: {
    queue: "refunds",
    name: "refund",
    schema: RefundJob,
    // `.` is in neither number's alphabet: two refunds never share an id (a `-` could: A-B + C, A + B-C).
    jobId: (d: z.infer<typeof RefundJob>) => `refund-${d.account}-${d.orderNumber}.${d.refundNumber}`,
    options: {
      attempts: 8,
      backoff: { type: "exponential", delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    } satisfies JobsOptions,
  },
} as const;

export type JobKind = keyof typeof jobCatalog;
/** The jobs about a payment as a whole (their payload is its ref). */
export type PaymentJobKind = "submitPayment" | "voidPayment";
export type JobPayload<K extends JobKind> = z.infer<(typeof jobCatalog)[K]["schema"]>;
export { PaymentJob, RefundJob };

/** How a job starts when it takes over work begun without one (a first attempt made from a stream). */
export interface JobStart {
  /** Attempts made before the job existed: they count against its `attempts` and ride in its data. Default 0. */
  priorAttempts?: number;
  /** Wait this long before its first run. Default none. */
  delayMs?: number;
  /** Payment jobs: the gateway call reserved for when it wakes (epoch ms). */
  reservedAt?: number;
}

/**
 * A job's options: `options` with its id, the attempts left once `priorAttempts` are counted (at
 * least one), and its delay. The one place where a hand-over's attempts are counted.
 */
export function jobOptionsAfter(options: JobsOptions, jobId: string, start: JobStart = {}): JobsOptions & { jobId: string } {
  const prior = start.priorAttempts ?? 0;
  return {
    ...options,
    jobId,
    attempts: Math.max(1, (options.attempts ?? 1) - prior),
    ...(start.delayMs ? { delay: start.delayMs } : {}),
  };
}

/**
 * The job of `kind` for a payment, as every producer adds it: its payload validated against the
 * catalog, its id derived from the payment (adding it twice is harmless), the catalog's options
 * (or `options`, a test's faster backoff) less the attempts already made.
 */
export function paymentJob<K extends PaymentJobKind>(kind: K, ref: PaymentRef, start: JobStart = {}, options: JobsOptions = jobCatalog[kind].options): IdentifiedJob<JobPayload<K>> {
  const spec = jobCatalog[kind];
  const data = spec.schema.parse({ account: ref.account, orderNumber: ref.orderNumber, ...startFields(start) }) as JobPayload<K>;
  return { name: spec.name, data, opts: jobOptionsAfter(options, spec.jobId(data), start) };
}

/** The refund job of a refund, as {@link paymentJob} builds a payment's: validated, its id derived from the refund. */
export function refundJob(ref: RefundRef, start: JobStart = {}, options: JobsOptions = jobCatalog.submitRefund.options): IdentifiedJob<JobPayload<"submitRefund">> {
  const spec = jobCatalog.submitRefund;
  const data = spec.schema.parse({ account: ref.account, orderNumber: ref.orderNumber, refundNumber: ref.refundNumber, ...startFields(start) });
  return { name: spec.name, data, opts: jobOptionsAfter(options, spec.jobId(data), start) };
}

/** A job's data about how it starts: the attempts made before it, the gateway call it reserved. */
function startFields(start: JobStart): { priorAttempts?: number; reservedAt?: number } {
  const prior = start.priorAttempts ?? 0;
  return { ...(prior > 0 ? { priorAttempts: prior } : {}), ...(start.reservedAt === undefined ? {} : { reservedAt: start.reservedAt }) };
}
