import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { ratePerSec } from "../stats.js";
import { type CountedPhase, withCap } from "./context.js";

export interface RawBullmqResult extends CountedPhase {
  jobs: number;
  processed: number;
  addBulkJobsPerSec: number;
  noopJobsPerSec: number;
}

/**
 * The ceiling: a no-op worker (concurrency 100) on the same Redis, with the payment jobs' removal
 * options, draining `jobs` jobs added beforehand with `addBulk`.
 */
export async function rawBullmq(redisUrl: string, o: { jobs: number; concurrency: number; capMs: number }): Promise<RawBullmqResult> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = "{benchraw}:bull";
  const queue = new Queue("noop", { connection, prefix });
  queue.on("error", () => {});
  const t0 = performance.now();
  for (let i = 0; i < o.jobs; i += 1000) {
    const n = Math.min(1000, o.jobs - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, k) => ({
        name: "noop",
        data: { account: "995149", orderNumber: `RAW-${i + k}` },
        opts: { jobId: `noop-${i + k}`, attempts: 8, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 604_800 } },
      })),
    );
  }
  const added = performance.now() - t0;

  let processed = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const start = performance.now();
  const worker = new Worker("noop", async () => undefined, { connection, prefix, concurrency: o.concurrency });
  worker.on("error", () => {});
  worker.on("completed", () => {
    if (++processed === o.jobs) finish();
  });
  await withCap(allDone, o.capMs, undefined);
  const elapsed = performance.now() - start;
  await worker.close(true);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await connection.quit();
  return { operations: o.jobs, jobs: o.jobs, processed, addBulkJobsPerSec: ratePerSec(o.jobs, added), noopJobsPerSec: ratePerSec(processed, elapsed) };
}
