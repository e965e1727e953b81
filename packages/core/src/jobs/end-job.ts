import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { WorkEnd } from "./work-end.js";

/**
 * Carries a run's end out in BullMQ: the one place where the decisions of `WorkEnd` become the
 * worker's control flow. `done`: the job's return value. `park`: back to `delayed` until then,
 * no attempt used (`moveToDelayed`, then `DelayedError`), with the reservation it holds in its
 * data (`reservedAt`, cleared when it holds none). `retry`: the error, which uses an attempt and
 * the queue's backoff (a worker whose backoff strategy reads the error may honour `delayMs`).
 * `fail`: `UnrecoverableError` (the error itself when it is one), which ends the job for good.
 */
export async function endJob<T>(job: Job, token: string | undefined, end: WorkEnd<T>): Promise<T> {
  switch (end.end) {
    case "done":
      return end.result;
    case "park": {
      const data = job.data as { reservedAt?: number };
      if (end.reservedAt !== undefined || data.reservedAt !== undefined) {
        const { reservedAt: _previous, ...rest } = data;
        await job.updateData(end.reservedAt === undefined ? rest : { ...rest, reservedAt: end.reservedAt });
      }
      await job.moveToDelayed(Date.now() + end.delayMs, token);
      throw new DelayedError();
    }
    case "retry":
      throw end.error;
    case "fail":
      throw end.error instanceof UnrecoverableError ? end.error : new UnrecoverableError(end.error.message);
    default: {
      const never: never = end;
      return never;
    }
  }
}
