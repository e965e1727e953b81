import type { Redis } from "ioredis";
import { type StreamEvent, eventFromStreamEntry } from "../payments/payment-event.js";
import { redisKeys } from "../redis/redis-keys.js";
import { streamIdAt } from "./stream-id.js";

export interface EventLogOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
}

/** One retained event with the stream id it was read at. */
export interface LoggedEvent {
  streamId: string;
  event: StreamEvent;
}

/** A page of the log: `cursor` is the last stream id read (filtered out or not), undefined when nothing was read. */
export interface EventPage {
  events: LoggedEvent[];
  cursor: string | undefined;
  /** False when the end of the stream was reached. */
  more: boolean;
}

type RawEntry = [id: string, fields: string[] | null];

/**
 * Read side of the event stream (the outbox written by `PaymentStore`, `RefundStore` and `RiskNotices`). Only what the
 * stream retains can be read: trimming (`MINID`, 7 days by default) happens on every write.
 */
export class EventLog {
  readonly key: string;
  private readonly redis: Redis;

  constructor(options: EventLogOptions) {
    this.redis = options.redis;
    this.key = redisKeys(options.keyPrefix ?? "op").events;
  }

  /** The event at this stream id, or undefined when it is not (or no longer) retained. */
  async get(streamId: string): Promise<LoggedEvent | undefined> {
    const entries = (await this.redis.xrange(this.key, streamId, streamId)) as RawEntry[];
    return toLogged(entries)[0];
  }

  /** Up to `count` events strictly after `afterId` (from the oldest retained when undefined). */
  async after(afterId: string | undefined, count: number): Promise<LoggedEvent[]> {
    const start = afterId === undefined ? "-" : `(${afterId}`;
    return toLogged((await this.redis.xrange(this.key, start, "+", "COUNT", count)) as RawEntry[]);
  }

  /**
   * Pages through the log keeping only events accepted by `filter`: reads batches until `limit`
   * events matched, the stream ended, or `maxScanned` entries were read (so that a filter that
   * matches little cannot turn one request into a full scan).
   */
  async page(
    afterId: string | undefined,
    limit: number,
    filter: (event: StreamEvent) => boolean = () => true,
    maxScanned = limit * 20,
  ): Promise<EventPage> {
    const events: LoggedEvent[] = [];
    let cursor = afterId;
    let scanned = 0;
    for (;;) {
      const batch = await this.after(cursor, Math.min(500, Math.max(limit, 50)));
      for (const entry of batch) {
        scanned++;
        cursor = entry.streamId;
        if (filter(entry.event)) events.push(entry);
        if (events.length >= limit || scanned >= maxScanned) return { events, cursor, more: true };
      }
      if (batch.length === 0) return { events, cursor: cursor === afterId ? undefined : cursor, more: false };
    }
  }

  /** Events written at or after `since`, oldest first, in batches (for replays). */
  async *since(since: Date, batchSize = 200): AsyncGenerator<LoggedEvent[]> {
    let start = streamIdAt(since);
    for (;;) {
      const batch = toLogged((await this.redis.xrange(this.key, start, "+", "COUNT", batchSize)) as RawEntry[]);
      if (batch.length === 0) return;
      yield batch;
      start = `(${(batch[batch.length - 1] as LoggedEvent).streamId}`;
    }
  }

  /** The newest stream id, or `0-0` when the stream is empty (a start for "only new events"). */
  async lastId(): Promise<string> {
    const entries = (await this.redis.xrevrange(this.key, "+", "-", "COUNT", 1)) as RawEntry[];
    return entries[0]?.[0] ?? "0-0";
  }
}

/** Entries with fields, as events; entries deleted under a pending-list reference come back without fields and are skipped. */
export function toLogged(entries: readonly RawEntry[]): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (const [id, fields] of entries) {
    if (fields) out.push({ streamId: id, event: eventFromStreamEntry(id, fields) });
  }
  return out;
}
