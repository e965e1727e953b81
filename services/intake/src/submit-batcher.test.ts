import { describe, expect, it } from "vitest";
import type { SubmitQueue } from "./jobs.js";
import { SubmitBatcher } from "./submit-batcher.js";

const ref = (orderNumber: string) => ({ account: "995149", orderNumber });

function fakeQueue(fail = false) {
  const calls: string[][] = [];
  const queue = {
    name: "payments",
    addBulk: async (jobs: { data: { orderNumber: string } }[]) => {
      calls.push(jobs.map((j) => j.data.orderNumber));
      if (fail) throw new Error("Connection is closed.");
      return [];
    },
    add: async (_name: string, data: { orderNumber: string }) => {
      calls.push([`add:${data.orderNumber}`]);
      if (fail) throw new Error("Connection is closed.");
      return {};
    },
  } as unknown as SubmitQueue;
  return { queue, calls };
}

describe("SubmitBatcher", () => {
  it("adds the jobs of one turn in one addBulk, and those arriving meanwhile in the next", async () => {
    const { queue, calls } = fakeQueue();
    const batcher = new SubmitBatcher(queue);
    const first = [batcher.add([ref("A1")]), batcher.add([ref("A2"), ref("A3")])];
    await new Promise((r) => setImmediate(r));
    const later = [batcher.add([ref("B1")]), batcher.add([ref("B2")])];
    await Promise.all([...first, ...later]);
    expect(calls).toEqual([
      ["A1", "A2", "A3"],
      ["B1", "B2"],
    ]);
  });

  it("adds a lone job with add, not a one-job addBulk", async () => {
    const { queue, calls } = fakeQueue();
    await new SubmitBatcher(queue).add([ref("A1")]);
    expect(calls).toEqual([["add:A1"]]);
  });

  it("rejects the caller of a failed lone add", async () => {
    const { queue } = fakeQueue(true);
    await expect(new SubmitBatcher(queue).add([ref("A1")])).rejects.toThrow("Connection is closed.");
  });

  it("rejects every caller of a failed batch", async () => {
    const { queue } = fakeQueue(true);
    const batcher = new SubmitBatcher(queue);
    const results = await Promise.allSettled([batcher.add([ref("A1")]), batcher.add([ref("A2")])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});
