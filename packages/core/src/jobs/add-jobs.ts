import type { JobsOptions, Queue } from "bullmq";

export interface JobToAdd<T> {
  name: string;
  data: T;
  opts: JobsOptions;
}

/** A job as the catalog's builders make it: always with its id (`paymentJob`, `deliveryJob`). */
export type IdentifiedJob<T> = JobToAdd<T> & { opts: JobsOptions & { jobId: string } };

/**
 * Adds jobs in one call. A lone job goes through `add` (one script call): `addBulk` wraps even
 * one job in a MULTI whose ioredis pipeline copies every BullMQ script defined on the connection
 * (~40), which made it the largest client cost of a request when requests do not overlap. A job
 * whose id exists already is not added again, either way.
 */
export async function addJobs<T>(queue: Queue<T>, jobs: readonly JobToAdd<T>[]): Promise<void> {
  const [only] = jobs;
  if (jobs.length === 1 && only) {
    await queue.add(only.name as never, only.data as never, only.opts);
    return;
  }
  if (jobs.length > 0) await queue.addBulk(jobs.map((j) => ({ name: j.name as never, data: j.data as never, opts: j.opts })));
}
