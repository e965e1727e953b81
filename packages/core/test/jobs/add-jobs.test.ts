import { useRedis } from "@oceanpos/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { addJobs } from "../../src/jobs/index.js";

describe("addJobs (real BullMQ)", () => {
  const redis = useRedis();
  let queue: Queue<{ n: number }> | undefined;
  afterEach(async () => {
    await queue?.close();
  });

  const job = (id: string, n: number) => ({ name: "work", data: { n }, opts: { jobId: id } });

  it("adds one job, many jobs, and never a job whose id exists", async () => {
    queue = new Queue<{ n: number }>("jobs", { connection: redis.client(), prefix: `{${redis.prefix}}:bull` });
    await addJobs(queue, []);
    await addJobs(queue, [job("a", 1)]);
    await addJobs(queue, [job("b", 2), job("c", 3)]);
    // Both paths dedupe on the id: the first job's data is kept.
    await addJobs(queue, [job("a", 9)]);
    await addJobs(queue, [job("a", 9), job("b", 9)]);
    const waiting = await queue.getWaiting();
    expect(waiting.map((j) => [j.id, j.data.n]).sort()).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });
});
