import { useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger/index.js";
import { type EntrySettled, type StartedWork, type StreamEntry, StreamGroupWorker, type StreamGroupWorkerOptions } from "../../src/redis/index.js";

/** A promise settled from outside: a first attempt the test ends when it wants. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("StreamGroupWorker (real Redis)", () => {
  const redis = useRedis();
  const workers: StreamGroupWorker[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close(0);
  });

  const stream = () => `{${redis.prefix}}:stream`;
  const group = "g";
  const add = (n: string) => redis.client().xadd(stream(), "*", "n", n) as Promise<string>;
  /** Entries read and not acknowledged (none while the group does not exist yet). */
  const pendingIds = async () => ((await redis.client().xpending(stream(), group, "-", "+", 100).catch(() => [])) as [string][]).map(([id]) => id);

  function newWorker(work: StreamGroupWorkerOptions["work"], options: Partial<StreamGroupWorkerOptions> = {}): StreamGroupWorker {
    const worker = new StreamGroupWorker({
      redis: redis.client(),
      acks: redis.client(),
      streamKey: stream(),
      group,
      consumer: "c1",
      name: "test worker",
      logger: createLogger({ name: "test", level: "silent" }),
      startId: "0",
      blockMs: 50,
      work,
      ...options,
    });
    workers.push(worker);
    return worker;
  }

  function startWorker(work: StreamGroupWorkerOptions["work"], options: Partial<StreamGroupWorkerOptions> = {}): StreamGroupWorker {
    const worker = newWorker(work, options);
    void worker.start();
    return worker;
  }

  /** Work that runs each entry through `attempt(n)`, the entry's `n` field. */
  const byField = (attempt: (n: string) => Promise<unknown> | undefined) => async (entries: StreamEntry[]): Promise<StartedWork> => {
    const running = new Map<string, Promise<unknown>[]>();
    for (const [id, fields] of entries) {
      const run = attempt(fields?.[1] ?? "");
      if (run) running.set(id, [run]);
    }
    return { running };
  };

  it("acknowledges an entry once its work settles, leaves it pending when the work fails, and acknowledges entries without work at once", async () => {
    const slow = deferred<string>();
    const settled: Array<[string, EntrySettled]> = [];
    const [a, b, c] = [await add("a"), await add("b"), await add("c")];
    // Before any read, every entry is outstanding.
    await redis.client().xgroup("CREATE", stream(), group, "0");
    expect(await newWorker(async () => ({})).outstanding(c)).toBe(true);
    const worker = startWorker(
      byField((n) => (n === "a" ? slow.promise : n === "b" ? Promise.reject(new Error("hand-over failed")) : undefined)),
      { onSettled: (id, s) => settled.push([id, s]) },
    );
    // c at once; b left pending when its work failed (for a claim); a in flight.
    await waitFor(async () => settled.length === 1 && (await pendingIds()).join() === [a, b].join(), { message: "a in flight, b left pending" });
    expect(settled).toEqual([[b, { acknowledged: false, error: new Error("hand-over failed") }]]);
    expect(await worker.outstanding(a)).toBe(true);
    expect(await worker.outstanding(c)).toBe(false);

    slow.resolve("sent");
    await waitFor(async () => !(await pendingIds()).includes(a), { message: "a acknowledged" });
    expect(settled).toContainEqual([a, { acknowledged: true, values: ["sent"] }]);
    expect(await worker.outstanding(a)).toBe(false);
  });

  it("keeps at most maxInFlight entries running, and reads the rest as they finish", async () => {
    let running = 0;
    let most = 0;
    let finished = 0;
    for (let i = 0; i < 6; i++) await add(String(i));
    startWorker(
      byField(async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        finished++;
      }),
      { maxInFlight: 2 },
    );
    await waitFor(async () => finished === 6 && (await pendingIds()).length === 0, { message: "six entries run and acknowledged" });
    expect(most).toBe(2);
  });

  it("close gives work in flight its grace, then leaves it pending, or aborts it and waits when asked to", async () => {
    const left = await add("left");
    const never = deferred();
    const leaving = startWorker(byField(() => never.promise));
    await waitFor(async () => (await pendingIds()).includes(left), { message: "entry in flight" });
    await leaving.close(20);
    expect(await pendingIds()).toEqual([left]);

    const aborted = await add("aborted");
    const abortable = startWorker(
      async (entries, _fresh, signal) => ({
        running: new Map(entries.map(([id]) => [id, [new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()))]] as const)),
      }),
      { consumer: "c2", afterGrace: "abort" },
    );
    // c2 reads only what is new to the group: the entry c1 left pending stays c1's (until idle long enough to claim).
    await waitFor(async () => (await pendingIds()).includes(aborted), { message: "entry in flight at c2" });
    await abortable.close(20);
    expect(await pendingIds()).toEqual([left]);
  });
});
