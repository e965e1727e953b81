import type { IdentifiedJob, JobStart } from "@oceanpos/core/jobs";
import { addJobs } from "@oceanpos/core/jobs";
import type { Logger } from "@oceanpos/core/logger";
import { assertNever } from "@oceanpos/core/oceanpayment";
import { type Redis, type StartedWork, type StreamEntry, StreamGroupWorker } from "@oceanpos/core/redis";
import type { JobsOptions, Queue } from "bullmq";
import type { Counter } from "prom-client";
import type { SubmitRunEnd } from "./submit-end.js";

/** What the feed's jobs are given: the catalog's, or a test's shorter ones. */
export type SubmitJobOptions = JobsOptions & { attempts: number; backoff: { type: "fixed" | "exponential"; delay: number; jitter?: number } };

/** One run of a first attempt, as the feed starts it (the job's own runs count from it). */
export interface FirstRun {
  id: string;
  attemptsMade: number;
  attempts: number;
}

/** The unit of work a feed carries (a payment's submit, a refund's applyRefund). */
export interface FeedUnit<R, J> {
  /** The ref of an entry, or undefined for a malformed one (acknowledged, nothing run). */
  refOf(fields: readonly string[] | null): R | undefined;
  /** The id of the ref's feed entry, as its create script stored it. */
  entryId(ref: R): Promise<string | undefined>;
  /** The first attempt; never throws. */
  run(ref: R, run: FirstRun): Promise<SubmitRunEnd>;
  /** The job that takes over what the first attempt could not finish; its id is the ref's, so it exists once. */
  job(ref: R, start: JobStart, options: SubmitJobOptions): IdentifiedJob<J>;
  /** That job's id. */
  jobId(ref: R): string;
}

/** BullMQ job states in which a job will still run. */
const liveJobStates: ReadonlySet<string> = new Set(["active", "waiting", "delayed", "prioritized", "waiting-children"]);

export interface FirstAttemptFeedOptions<R, J> {
  /** A dedicated connection (worker role): the blocking read holds it. Closed with the feed. */
  redis: Redis;
  /** Acknowledgements, renewals and look-ups, while a read may hold `redis` (the store's connection). */
  acks: Redis;
  streamKey: string;
  group: string;
  /** This process's consumer name (unique per process). */
  consumer: string;
  /** For logs: "submit feed", "refund feed". */
  name: string;
  unit: FeedUnit<R, J>;
  /** Where a first attempt that must wait or be retried goes. */
  queue: Queue<J>;
  /** Attempts and backoff of those jobs (and of the first attempt's count). */
  jobOptions: SubmitJobOptions;
  /** Entries by result: sent (the run ended there), queued (handed to a job), left_pending (for a claim). */
  runs: Counter<"result">;
  logger: Logger;
  /** First attempts in flight at most. */
  concurrency: number;
  /** Entries of a dead payer unacknowledged this long are claimed by another; default 60 000 ms. */
  claimIdleMs?: number;
  /** XREADGROUP BLOCK time; default 5 000 ms. */
  blockMs?: number;
}

/**
 * First attempts straight from a stream that a create script writes (the submit feed, the refund
 * feed): no BullMQ job for work that ends at once. Reading, renewing, acknowledging and closing
 * are core's `StreamGroupWorker`; at most `concurrency` first attempts run at once. Each entry
 * runs its unit and carries out how that run ended: done, or handed to a job, a parked run
 * (rate-limited terminal, or a gateway that did not answer) as a delayed job, a retry as a job
 * that counts this run as its first attempt; the entry is acknowledged then.
 *
 * A payer that dies leaves its entries pending: another payer claims them after `claimIdleMs` and
 * runs them again, which is a resumed submit (queried before any resend).
 */
export class FirstAttemptFeed<R, J> {
  private readonly worker: StreamGroupWorker;

  constructor(private readonly o: FirstAttemptFeedOptions<R, J>) {
    this.worker = new StreamGroupWorker({
      redis: o.redis,
      acks: o.acks,
      streamKey: o.streamKey,
      group: o.group,
      consumer: o.consumer,
      name: o.name,
      logger: o.logger,
      // Work created while no payer ran is still to be done.
      startId: "0",
      ...(o.claimIdleMs === undefined ? {} : { claimIdleMs: o.claimIdleMs }),
      ...(o.blockMs === undefined ? {} : { blockMs: o.blockMs }),
      maxInFlight: o.concurrency,
      work: (entries) => Promise.resolve(this.firstAttempts(entries)),
      onSettled: (_id, settled) => o.runs.inc({ result: settled.acknowledged ? String(settled.values[0]) : "left_pending" }),
    });
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  /**
   * Stops reading; first attempts in flight get `graceMs` to finish. One still running then is
   * left pending, for another payer to claim (and query first).
   */
  close(graceMs = 10_000): Promise<void> {
    return this.worker.close(graceMs);
  }

  /**
   * Whether the first attempt is still to be made or being made: its entry is unread, or read and
   * unacknowledged (in flight, or held by a dead payer until another claims it). False without
   * one (created before the feed, or its entry trimmed unread).
   */
  async entryPending(ref: R): Promise<boolean> {
    const id = await this.o.unit.entryId(ref);
    return id !== undefined && (await this.worker.outstanding(id));
  }

  /**
   * Whether the work on a ref still runs or will: its first attempt is still to be made or being
   * made ({@link entryPending}), or the job it was handed to is alive (waiting, delayed, active…).
   * Read in that order, never together: a hand-over adds the job before it acknowledges the entry
   * (`run`, then the worker's acknowledgement), so once the entry reads acknowledged, the job read
   * after it exists. Read together, the job could be read before its add and the entry after its
   * acknowledgement, and a first attempt parked at that moment be taken for lost.
   */
  async workAlive(ref: R): Promise<boolean> {
    if (await this.entryPending(ref)) return true;
    return liveJobStates.has(await this.o.queue.getJobState(this.o.unit.jobId(ref)));
  }

  private firstAttempts(entries: readonly StreamEntry[]): StartedWork {
    const running = new Map<string, Promise<unknown>[]>();
    let malformed = 0;
    for (const [id, fields] of entries) {
      const ref = this.o.unit.refOf(fields);
      // Deleted while pending, or not written by the create script: nothing to do.
      if (ref) running.set(id, [this.run(id, ref)]);
      else malformed++;
    }
    if (malformed > 0) this.o.logger.warn({ count: malformed }, `${this.o.name} entries without a ref: acknowledged`);
    return { running };
  }

  /** One first attempt, carried out: `sent` (the run ended here) or `queued` (handed to a job). */
  private async run(id: string, ref: R): Promise<"sent" | "queued"> {
    const { unit, jobOptions } = this.o;
    const end = await unit.run(ref, { id: `feed:${id}`, attemptsMade: 0, attempts: jobOptions.attempts });
    switch (end.end) {
      case "done":
        return "sent";
      case "park":
        // A delayed job takes over, no attempt used.
        await addJobs(this.o.queue, [unit.job(ref, { delayMs: end.delayMs, ...(end.reservedAt === undefined ? {} : { reservedAt: end.reservedAt }) }, jobOptions)]);
        return "queued";
      case "retry":
        // The job's first run is the second attempt.
        await addJobs(this.o.queue, [unit.job(ref, { priorAttempts: 1, delayMs: firstRetryDelayMs(jobOptions.backoff) }, jobOptions)]);
        return "queued";
      default:
        return assertNever(end);
    }
  }
}

/** The backoff's first step, with its jitter, as BullMQ would wait before a job's second attempt. */
function firstRetryDelayMs(backoff: SubmitJobOptions["backoff"]): number {
  return Math.round(backoff.delay * (1 - (backoff.jitter ?? 0) * Math.random()));
}
