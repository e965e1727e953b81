import type { Redis } from "ioredis";
import { compareStreamIds } from "../events/stream-id.js";
import { type StreamEntry, StreamGroupReader, type StreamGroupReaderOptions } from "./stream-group-reader.js";
import { xinfoFields } from "./xinfo-fields.js";

/** What {@link StreamGroupWorkerOptions.work} started for a batch of entries. */
export interface StartedWork {
  /**
   * Entries whose work runs on, each with its first attempts (the relay makes one per matching
   * subscription): each promise settles once its attempt is done or handed over to a job, and
   * rejects when it could not be. An entry is acknowledged once all of its work settled without a
   * rejection, and is left pending otherwise (for a re-read after an error, or a claim). Entries
   * not listed are acknowledged with the batch.
   */
  running?: ReadonlyMap<string, readonly Promise<unknown>[]>;
  /** Work the whole batch waits for (the jobs it queued): rejected, nothing of the batch is acknowledged. */
  batch?: Promise<unknown>;
}

/** How a running entry ended, after its acknowledgement was attempted (`values`: its work's, in order). */
export type EntrySettled = { acknowledged: true; values: unknown[] } | { acknowledged: false; error: unknown };

export interface StreamGroupWorkerOptions extends Omit<StreamGroupReaderOptions, "handle" | "inFlight" | "renewWith" | "room"> {
  /**
   * Acknowledgements, renewals and look-ups, while a blocking read may hold `redis`; default
   * `redis`. Closed by its owner, not by the worker (which disconnects `redis` when it closes).
   */
  acks?: Redis;
  /**
   * Starts the first attempts of entries just read. `fresh`: read for the first time; otherwise
   * re-read after an error or a restart, or claimed from a dead consumer, and whatever they asked
   * for may have been done already. `signal` aborts when `close`'s grace is over (`afterGrace`).
   * A rejection leaves the batch pending (re-read first by the next read).
   */
  work: (entries: StreamEntry[], fresh: boolean, signal: AbortSignal) => Promise<StartedWork>;
  /** Entries in flight at most: reading waits while that many run (the payer's concurrency bound). Default: no bound. */
  maxInFlight?: number;
  /**
   * Work still running when `close`'s grace is over: `leave` it pending for a claim (default),
   * or `abort` it through the signal and wait for it to hand itself over.
   */
  afterGrace?: "leave" | "abort";
  /** Told how each running entry ended (metrics). */
  onSettled?: (id: string, settled: EntrySettled) => void;
}

/**
 * How a stream entry gets its first attempt, for every stream that has one (the payer's submit
 * feed, the notifier's event relay): entries are read through a consumer group
 * (`StreamGroupReader`: pending first after a start or an error, claims of dead consumers' entries),
 * their first attempts start inline, without a job (a job's add, fetch and completion cost more
 * than most first attempts), and each entry stays in flight, renewed so that no other consumer
 * claims it, until its work is done or handed over to a BullMQ job with the attempts already made;
 * then it is acknowledged. `close` stops reading and gives the work in flight a grace period.
 * What each first attempt is, and how it is bounded (the notifier's per-subscription lanes), is the
 * user's `work`; the worker only bounds the entries in flight (`maxInFlight`).
 */
export class StreamGroupWorker {
  private readonly reader: StreamGroupReader;
  private readonly acks: Redis;
  private readonly inFlight = new Set<string>();
  private readonly settling = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private roomWaiter: (() => void) | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly o: StreamGroupWorkerOptions) {
    const { acks: _a, work: _w, maxInFlight: _m, afterGrace: _g, onSettled: _s, ...reading } = o;
    this.acks = o.acks ?? o.redis;
    this.reader = new StreamGroupReader({
      ...reading,
      inFlight: this.inFlight,
      // Entries whose first attempts run long (a slow gateway or endpoint) are not another consumer's to claim.
      ...(o.acks ? { renewWith: o.acks } : {}),
      ...(o.maxInFlight === undefined ? {} : { room: () => this.room(o.maxInFlight as number) }),
      handle: (entries, fresh) => this.handle(entries, fresh),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /**
   * Stops reading (the batch being started finishes, a blocked read is cut); work in flight gets
   * `graceMs` to settle, then is left pending or aborted and waited for (`afterGrace`). Safe twice.
   */
  close(graceMs: number): Promise<void> {
    this.closed ??= (async () => {
      const reading = this.reader.close();
      this.roomWaiter?.();
      await reading;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.settling]), grace]);
      clearTimeout(timer);
      if (this.o.afterGrace === "abort") {
        this.abort.abort();
        while (this.settling.size > 0) await Promise.all([...this.settling]);
      }
      this.o.redis.disconnect();
    })();
    return this.closed;
  }

  /**
   * Whether an entry is still to be worked on or being worked on: not read yet (unless trimmed
   * before any read), or read and not acknowledged (in flight, or held by a dead consumer until
   * another claims it).
   */
  async outstanding(id: string): Promise<boolean> {
    const { streamKey, group } = this.o;
    const groups = (await this.acks.xinfo("GROUPS", streamKey).catch(() => [])) as unknown[][];
    const fields = groups.map(xinfoFields).find((g) => g.get("name") === group);
    if (!fields || compareStreamIds(id, String(fields.get("last-delivered-id"))) > 0) {
      return (await this.acks.xrange(streamKey, id, id, "COUNT", 1)).length > 0;
    }
    return ((await this.acks.xpending(streamKey, group, id, id, 1)) as unknown[]).length > 0;
  }

  /** How many entries may be read now; waits while `max` are in flight. */
  private async room(max: number): Promise<number> {
    while (this.inFlight.size >= max && !this.closed) {
      await new Promise<void>((resolve) => {
        this.roomWaiter = resolve;
      });
    }
    return Math.max(1, max - this.inFlight.size);
  }

  private async handle(entries: StreamEntry[], fresh: boolean): Promise<void> {
    const { running = new Map<string, readonly Promise<unknown>[]>(), batch = Promise.resolve() } = await this.o.work(entries, fresh, this.abort.signal);
    const rest = entries.filter(([id]) => !running.has(id) && !this.inFlight.has(id)).map(([id]) => id);
    // An entry also waits for its batch's jobs: its other deliveries may be among them.
    for (const [id, work] of running) this.settle(id, [...work, batch]);
    await batch;
    if (rest.length > 0) await this.o.redis.xack(this.o.streamKey, this.o.group, ...rest);
  }

  /**
   * Acknowledges an entry once all its work settled (not at the first failure: the entry stays in
   * flight, out of re-reads and claims, while any of it runs); a failure leaves it pending.
   */
  private settle(id: string, work: readonly Promise<unknown>[]): void {
    this.inFlight.add(id);
    const settling = Promise.allSettled(work)
      .then(async (results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        await this.acks.xack(this.o.streamKey, this.o.group, id);
        const values = results.slice(0, -1).map((r) => (r as PromiseFulfilledResult<unknown>).value); // the batch, last, left out
        this.o.onSettled?.(id, { acknowledged: true, values });
      })
      .catch((error: unknown) => {
        this.o.logger.warn({ entryId: id, err: error instanceof Error ? error.message : String(error) }, `${this.o.name}: entry left pending; it will be read again or claimed`);
        this.o.onSettled?.(id, { acknowledged: false, error });
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.settling.delete(settling);
        const wake = this.roomWaiter;
        this.roomWaiter = undefined;
        wake?.();
      });
    this.settling.add(settling);
  }
}
