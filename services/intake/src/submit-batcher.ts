import { addJobs } from "@oceanpos/core/jobs";
import type { PaymentRef } from "@oceanpos/core/payments";
import { type SubmitQueue, submitJob } from "./jobs.js";

interface Batch {
  refs: PaymentRef[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Adds submit jobs in micro-batches across concurrent requests: one `addBulk` (one MULTI) per
 * batch instead of one per request, which is the largest Redis and client cost of a single POST.
 * A batch goes out at the end of the event-loop turn its first job arrived in, or, while an
 * `addBulk` is in flight, as soon as that one settles: so an idle request waits for no timer,
 * and under load batches grow with the load instead of round trips piling up. Every caller awaits
 * the outcome of the batch that carried its jobs, so a failure reaches each caller as it would
 * have alone (job ids come from the payments, so a job added twice is still one job).
 */
export class SubmitBatcher {
  private pending: Batch | undefined;
  private scheduled = false;
  private inFlight = false;

  constructor(readonly queue: SubmitQueue) {}

  /** Resolves once the batch holding these jobs is added; rejects with that batch's error. */
  add(refs: readonly PaymentRef[]): Promise<void> {
    this.pending ??= newBatch();
    this.pending.refs.push(...refs);
    if (!this.scheduled && !this.inFlight) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return this.pending.done;
  }

  private flush(): void {
    const batch = this.pending;
    if (!batch || this.inFlight) return;
    this.pending = undefined;
    this.inFlight = true;
    // Inside a promise chain, so that even a synchronous throw reaches the callers.
    Promise.resolve()
      .then(() => addJobs(this.queue, batch.refs.map((ref) => submitJob(ref))))
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.inFlight = false;
        this.flush();
      });
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = () => res();
    reject = rej;
  });
  // Callers attach their own handlers; this one only keeps a failure nobody awaits quiet.
  done.catch(() => {});
  return { refs: [], done, resolve, reject };
}
