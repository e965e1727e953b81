import { jobCatalog, type JobPayload } from "@oceanpos/core/jobs";
import type { Logger } from "@oceanpos/core/logger";
import { type PaymentRef, submitFeed, submitFeedRef } from "@oceanpos/core/payments";
import { type Redis, type StreamEntry, StreamGroupReader } from "@oceanpos/core/redis";
import type { JobsOptions, Queue } from "bullmq";
import { assertNever } from "@oceanpos/core/oceanpayment";
import { errorSummary } from "./errors.js";
import type { PayerMetrics } from "./payer-metrics.js";
import type { SubmitProcessor } from "./submit-processor.js";

/** What the payer's submit jobs are given: the catalog's, or a test's shorter ones. */
export type SubmitJobOptions = JobsOptions & { attempts: number; backoff: { type: "fixed" | "exponential"; delay: number; jitter?: number } };

export interface SubmitFeedOptions {
  /** A dedicated connection (worker role): the blocking read holds it. Closed with the feed. */
  redis: Redis;
  /** Acknowledgements and renewals, while a read may hold `redis` (the store's connection). */
  acks: Redis;
  /** `redisKeys(prefix).submits`. */
  streamKey: string;
  /** This process's consumer name (unique per process). */
  consumer: string;
  submit: SubmitProcessor;
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
 * Each entry runs `SubmitProcessor.submit` and carries out how that run ended: acknowledged once
 * it is done, or once the payment was handed to a submit job: a parked run (rate-limited terminal,
 * or a gateway that did not answer) as a delayed job, a retry as a job that counts this run as its
 * first attempt.
 *
 * A payer that dies leaves its entries pending: another payer claims them after `claimIdleMs` and
 * runs them again, which is a resumed submit (a `submitting` payment is queried before any resend).
 * Entries still running here are renewed every third of `claimIdleMs`, so that a slow gateway
 * call is never mistaken for a dead payer.
 */
export class SubmitFeed {
  private readonly reader: StreamGroupReader;
  private readonly inFlight = new Set<string>();
  private readonly runs = new Set<Promise<void>>();
  private readonly jobOptions: SubmitJobOptions;
  private roomWaiter: (() => void) | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly o: SubmitFeedOptions) {
    this.jobOptions = o.jobOptions ?? jobCatalog.submitPayment.options;
    this.reader = new StreamGroupReader({
      redis: o.redis,
      streamKey: o.streamKey,
      group: submitFeed.group,
      consumer: o.consumer,
      name: "submit feed",
      logger: o.logger,
      // Payments created while no payer ran are still to be sent.
      startId: "0",
      ...(o.claimIdleMs === undefined ? {} : { claimIdleMs: o.claimIdleMs }),
      ...(o.blockMs === undefined ? {} : { blockMs: o.blockMs }),
      inFlight: this.inFlight,
      renewWith: o.acks,
      room: () => this.room(),
      handle: (entries) => this.handle(entries),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /**
   * Stops reading; first sends in flight get `graceMs` to finish. One still running then is left
   * pending, for another payer to claim (and query first).
   */
  close(graceMs = 10_000): Promise<void> {
    this.closed ??= (async () => {
      const reading = this.reader.close();
      this.roomWaiter?.();
      await reading;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.runs]), grace]);
      clearTimeout(timer);
      this.o.redis.disconnect();
    })();
    return this.closed;
  }

  /** How many entries may be read now; waits while every slot is taken. */
  private async room(): Promise<number> {
    while (this.inFlight.size >= this.o.concurrency && !this.closed) {
      await new Promise<void>((resolve) => {
        this.roomWaiter = resolve;
      });
    }
    return Math.max(1, this.o.concurrency - this.inFlight.size);
  }

  private handle(entries: readonly StreamEntry[]): Promise<void> {
    const malformed: string[] = [];
    for (const [id, fields] of entries) {
      const ref = submitFeedRef(fields);
      if (!ref) {
        // Deleted while pending, or not written by the create script: nothing to send.
        malformed.push(id);
        continue;
      }
      this.inFlight.add(id);
      const run = this.run(id, ref).finally(() => {
        this.inFlight.delete(id);
        this.runs.delete(run);
        const wake = this.roomWaiter;
        this.roomWaiter = undefined;
        wake?.();
      });
      this.runs.add(run);
    }
    if (malformed.length === 0) return Promise.resolve();
    this.o.logger.warn({ count: malformed.length }, "submit feed entries without a payment: acknowledged");
    return this.ack(...malformed);
  }

  private async run(id: string, ref: PaymentRef): Promise<void> {
    const { submit, metrics, logger } = this.o;
    try {
      const end = await submit.submit(ref, { id: `feed:${id}`, attemptsMade: 0, attempts: this.jobOptions.attempts });
      let result: "sent" | "queued";
      switch (end.end) {
        case "done":
          result = "sent";
          break;
        case "park":
          // A delayed job takes over, no attempt used.
          await this.handOver(ref, end.delayMs, 0, end.reservedAt);
          result = "queued";
          break;
        case "retry":
          // The job's first run is the second attempt.
          await this.handOver(ref, firstRetryDelayMs(this.jobOptions.backoff), 1);
          result = "queued";
          break;
        default:
          return assertNever(end);
      }
      await this.ack(id);
      metrics.feedRuns.inc({ result });
    } catch (error) {
      metrics.feedRuns.inc({ result: "left_pending" });
      logger.warn({ orderNumber: ref.orderNumber, err: errorSummary(error) }, "submit feed entry left pending; it will be claimed again");
    }
  }

  /** A submit job for what the feed could not finish now; its id is the payment's, so it exists once. */
  private async handOver(ref: PaymentRef, delayMs: number, priorAttempts: number, reservedAt?: number): Promise<void> {
    const spec = jobCatalog.submitPayment;
    const data = spec.schema.parse({ ...ref, ...(priorAttempts > 0 ? { priorAttempts } : {}), ...(reservedAt === undefined ? {} : { reservedAt }) });
    const { attempts } = this.jobOptions;
    await this.o.queue.add(spec.name, data, { ...this.jobOptions, attempts: attempts - priorAttempts, delay: delayMs, jobId: spec.jobId(data) });
  }

  private async ack(...ids: string[]): Promise<void> {
    await this.o.acks.xack(this.o.streamKey, submitFeed.group, ...ids);
  }
}

/** The backoff's first step, with its jitter, as BullMQ would wait before a job's second attempt. */
function firstRetryDelayMs(backoff: SubmitJobOptions["backoff"]): number {
  return Math.round(backoff.delay * (1 - (backoff.jitter ?? 0) * Math.random()));
}
