import type { Logger } from "@oceanpos/core/logger";
import { type StreamEntry, StreamGroupReader, type StreamGroupReaderOptions } from "@oceanpos/core/redis";
import type { LedgerMetrics } from "../metrics.js";
import { type ArchiveRecords, archiveRecords } from "./archive-records.js";
import type { ArchivedPosition } from "./archived-position.js";
import type { ArchiveWriter } from "./archive-writer.js";

export interface EventDrainOptions extends Pick<StreamGroupReaderOptions, "redis" | "consumer" | "claimIdleMs" | "blockMs" | "lingerMs"> {
  /** The event stream key (`redisKeys(prefix).events`). */
  streamKey: string;
  /** Consumer group shared by every ledger; default `ledger`. */
  group?: string;
  /** Entries per read and per transaction; default 500. */
  batchSize?: number;
  writer: ArchiveWriter;
  /** On a connection of its own: `redis` blocks in XREADGROUP while a batch is written. */
  position: ArchivedPosition;
  logger: Logger;
  metrics?: LedgerMetrics;
}

/**
 * The drain: reads the event stream through the `ledger` consumer group and writes each batch to
 * PostgreSQL in one transaction, then acknowledges it and moves the archived position up (one step).
 * Nothing is acknowledged before it is committed: a ledger that dies (or loses PostgreSQL)
 * mid-batch leaves the batch pending, to be written again by itself after the error, or by
 * another ledger once idle for `claimIdleMs`; writing it twice changes nothing (events are keyed
 * by stream id, resources by version). A new group starts at the beginning of the stream, so a
 * first ledger archives everything Redis still holds.
 * While PostgreSQL writes a batch, the next one is read and turned into rows (one batch ahead, on
 * two cores the drain's and PostgreSQL's work overlap); batches are still committed, acknowledged
 * and moved past one after the other, in order.
 */
export class EventDrain {
  private readonly o: EventDrainOptions & { group: string };
  private readonly reader: StreamGroupReader;
  /** Entries read whose batch is not acknowledged yet: a re-read of pending entries leaves them out. */
  private readonly inFlight = new Set<string>();
  /** The batch being written (committed, then acknowledged); it never rejects (see `failed`). */
  private writing: Promise<void> = Promise.resolve();
  private failed: unknown;

  constructor(options: EventDrainOptions) {
    this.o = { group: "ledger", ...options };
    this.reader = new StreamGroupReader({
      redis: this.o.redis,
      streamKey: this.o.streamKey,
      group: this.o.group,
      consumer: this.o.consumer,
      name: "ledger drain",
      logger: this.o.logger,
      startId: "0",
      batchSize: this.o.batchSize ?? 500,
      ...(this.o.claimIdleMs !== undefined ? { claimIdleMs: this.o.claimIdleMs } : {}),
      ...(this.o.blockMs !== undefined ? { blockMs: this.o.blockMs } : {}),
      // Up to 50 ms more per batch (the back office's lag, not a payment's), for many events per
      // transaction under load: each batch costs PostgreSQL a transaction, a commit's WAL flush and
      // the refund totals' planning whatever its size. In the refunds bench, 50 ms instead of 10
      // cut PostgreSQL's CPU per refund from 0.73 ms to 0.50 and the ledger's from 0.34 to 0.21.
      lingerMs: this.o.lingerMs ?? 50,
      handle: (entries, fresh) => this.handle(entries, fresh),
      inFlight: this.inFlight,
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /** Stops reading; the batch being written finishes (committed and acknowledged) first. */
  async close(): Promise<void> {
    await this.reader.close();
    await this.writing;
    if (this.failed !== undefined) this.o.logger.warn({ err: this.failed instanceof Error ? this.failed.message : String(this.failed) }, "the last batch was not archived; it stays pending for the next ledger");
    this.o.redis.disconnect();
  }

  /**
   * Turns the entries into rows, waits for the batch before (its failure is this one's: the reader
   * then re-reads every pending entry, both batches' included) and starts writing this one without
   * waiting for it, so that the reader reads the next batch meanwhile.
   */
  private async handle(entries: StreamEntry[], fresh: boolean): Promise<void> {
    const records = archiveRecords(entries);
    for (const [id] of entries) this.inFlight.add(id);
    await this.writing;
    const failed = this.failed;
    if (failed !== undefined) {
      this.failed = undefined;
      for (const [id] of entries) this.inFlight.delete(id);
      throw failed;
    }
    this.writing = this.commit(entries, records, fresh).then(
      () => undefined,
      (err: unknown) => void (this.failed = err),
    ).finally(() => {
      for (const [id] of entries) this.inFlight.delete(id);
    });
  }

  private async commit(entries: StreamEntry[], records: ArchiveRecords, fresh: boolean): Promise<void> {
    const started = process.hrtime.bigint();
    for (const u of records.unreadable) this.o.logger.error({ streamId: u.streamId, type: u.type, reason: u.reason }, "event archived without its resource row: the resource could not be read");
    if (records.vanished.length > 0) {
      this.o.logger.error({ count: records.vanished.length, first: records.vanished[0] }, "pending events were deleted from the stream before they were archived");
    }
    try {
      const written = await this.o.writer.write(records);
      this.o.metrics?.eventsArchived.inc(written.events);
      this.o.metrics?.eventsSkipped.inc({ reason: "already_archived" }, records.events.length - written.events);
      if (records.unreadable.length > 0) this.o.metrics?.eventsSkipped.inc({ reason: "unreadable_resource" }, records.unreadable.length);
      if (records.vanished.length > 0) this.o.metrics?.eventsSkipped.inc({ reason: "deleted_from_stream" }, records.vanished.length);
      if (!fresh && written.events < records.events.length) this.o.logger.info({ count: records.events.length - written.events }, "events read again were already archived");
    } catch (err) {
      this.o.metrics?.batchFailures.inc();
      throw err;
    } finally {
      this.o.metrics?.batchDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    await this.o.position.advance(entries.map(([id]) => id));
  }
}
