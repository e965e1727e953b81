import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { matchesEventPattern } from "@oceanpos/core/events";
import { eventFromStreamEntry } from "@oceanpos/core/payments";
import { deliveryJobId } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";
import type { DeliveryQueues, DeliveryRequest } from "../delivery/delivery-queues.js";
import type { DirectDeliveries } from "../delivery/direct-deliveries.js";
import type { NotifierMetrics } from "../metrics.js";
import type { SubscriptionCache } from "../subscriptions/subscription-cache.js";
import type { RecentEvents } from "./recent-events.js";

export interface EventRelayOptions {
  /** A dedicated connection (worker role): XREADGROUP BLOCK holds it. */
  redis: Redis;
  /** The event stream key (`redisKeys(prefix).events`). */
  streamKey: string;
  /** Consumer group shared by every replica; default `notifier`. */
  group?: string;
  /** This process's consumer name (unique per process). */
  consumer: string;
  cache: SubscriptionCache;
  queues: DeliveryQueues;
  logger: Logger;
  metrics?: NotifierMetrics;
  /** Keeps the events just enqueued for this process's deliveries. */
  recent?: RecentEvents;
  /** First attempts made here, without a job (events read for the first time only). */
  direct?: DirectDeliveries;
  /**
   * Connection for the acknowledgements of events whose direct deliveries settle later, while a
   * blocking read may hold the relay's own; default the relay's.
   */
  acks?: Redis;
  /** Where a newly created group starts: `$` (only new events, default) or `0` (everything retained). */
  startId?: string;
  /** Entries pending longer than this on a dead consumer are claimed; default 60 000 ms. */
  claimIdleMs?: number;
  /** XREADGROUP BLOCK time; default 5 000 ms. */
  blockMs?: number;
  /** Entries per read; default 100. */
  batchSize?: number;
  /**
   * Pause after a read that returned less than a full batch, default 5 ms: under load the next
   * read then carries many entries (one read, one sync, one enqueue, one XACK for all of them)
   * instead of one or two; an idle relay adds at most this much to an event's latency.
   */
  lingerMs?: number;
}

type RawEntry = [string, string[] | null];

/**
 * The outbox relay: reads the event stream through a consumer group and, per (event, matching
 * subscription), makes the first delivery attempt itself (`DirectDeliveries`, when its lane has
 * room) or enqueues a delivery job with a deterministic jobId; it XACKs an event only once every
 * one of its deliveries was made, given up or queued. A crash in between leaves the entry pending:
 * this process re-reads its own pending entries first, and other replicas claim entries of dead
 * consumers (XAUTOCLAIM). An entry read again goes to jobs only, whose jobId makes a second
 * enqueue a no-op; a delivery made directly just before the crash is made again (receivers
 * dedupe on `webhook-id`).
 */
export class EventRelay {
  private readonly o: Required<Omit<EventRelayOptions, "metrics" | "recent" | "direct" | "acks">> &
    Pick<EventRelayOptions, "metrics" | "recent" | "direct" | "acks">;
  private stopped = false;
  private blocked = false;
  private loop: Promise<void> | undefined;
  /** Re-read this consumer's own unacknowledged entries before new ones (after start or an error). */
  private pendingFirst = true;
  private nextClaimAt = 0;
  /** Entries whose direct deliveries are still running: they acknowledge themselves. */
  private readonly inFlight = new Set<string>();
  private readonly acking = new Set<Promise<void>>();

  constructor(options: EventRelayOptions) {
    this.o = { group: "notifier", startId: "$", claimIdleMs: 60_000, blockMs: 5_000, batchSize: 100, lingerMs: 5, ...options };
  }

  async start(): Promise<void> {
    try {
      await this.o.redis.xgroup("CREATE", this.o.streamKey, this.o.group, this.o.startId, "MKSTREAM");
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("BUSYGROUP"))) throw err;
    }
    this.loop = this.run();
  }

  /**
   * Stops reading: the batch being handled finishes (enqueue + XACK), a blocked read is cut; direct
   * deliveries in flight get `graceMs` to finish (then they are aborted and queued as retries).
   */
  async close(graceMs = 5_000): Promise<void> {
    if (this.stopped) return this.loop;
    this.stopped = true;
    if (this.blocked) this.o.redis.disconnect();
    await this.loop;
    await this.o.direct?.close(graceMs);
    while (this.acking.size > 0) await Promise.all([...this.acking]);
    this.o.redis.disconnect();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (Date.now() >= this.nextClaimAt) {
          await this.claimStale();
          this.nextClaimAt = Date.now() + Math.max(1_000, Math.min(this.o.claimIdleMs, 30_000));
        }
        const fresh = !this.pendingFirst;
        const entries = await this.read();
        if (entries.length > 0) await this.handle(entries, fresh);
        failures = 0;
        if (entries.length > 0 && entries.length < this.o.batchSize && this.o.lingerMs > 0) await sleep(this.o.lingerMs);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.pendingFirst = true;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), failures }, "event relay error; retrying");
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async read(): Promise<RawEntry[]> {
    const { redis, group, consumer, batchSize, blockMs, streamKey } = this.o;
    const id = this.pendingFirst ? "0" : ">";
    this.blocked = !this.pendingFirst;
    let reply: unknown;
    try {
      reply = this.pendingFirst
        ? await redis.xreadgroup("GROUP", group, consumer, "COUNT", batchSize, "STREAMS", streamKey, id)
        : await redis.xreadgroup("GROUP", group, consumer, "COUNT", batchSize, "BLOCK", blockMs, "STREAMS", streamKey, id);
    } finally {
      this.blocked = false;
    }
    const read = ((reply as [string, RawEntry[]][] | null)?.[0]?.[1] ?? []) as RawEntry[];
    // Entries whose direct deliveries still run are this process's to acknowledge, not to redo.
    const entries = this.inFlight.size > 0 ? read.filter(([streamId]) => !this.inFlight.has(streamId)) : read;
    if (this.pendingFirst && entries.length === 0) this.pendingFirst = false;
    return entries;
  }

  /** Takes over entries that another (dead) consumer read but never acknowledged. */
  private async claimStale(): Promise<void> {
    const { redis, streamKey, group, consumer, claimIdleMs, batchSize } = this.o;
    let cursor = "0-0";
    do {
      const [next, entries, deleted] = (await redis.xautoclaim(streamKey, group, consumer, claimIdleMs, cursor, "COUNT", batchSize)) as [
        string,
        RawEntry[],
        string[]?,
      ];
      if (entries.length > 0) {
        this.o.logger.info({ count: entries.length }, "claimed unacknowledged events from another consumer");
        await this.handle(entries, false);
      }
      // Entries trimmed from the stream while pending cannot be relayed; Redis already dropped them.
      if (deleted && deleted.length > 0) this.o.logger.warn({ count: deleted.length }, "pending events were trimmed before relay");
      cursor = next;
    } while (cursor !== "0-0" && !this.stopped);
    await this.forgetIdleConsumers();
  }

  /**
   * Consumer names are per process, so every restart leaves one behind. Once one holds nothing
   * and has been idle for an hour it is removed (an entry it held was claimed above first).
   */
  private async forgetIdleConsumers(): Promise<void> {
    const { redis, streamKey, group, consumer } = this.o;
    const rows = (await redis.xinfo("CONSUMERS", streamKey, group)) as unknown[][];
    for (const row of rows) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < row.length; i += 2) info.set(String(row[i]), row[i + 1]);
      const name = String(info.get("name"));
      if (name === consumer || Number(info.get("pending")) !== 0 || Number(info.get("idle")) < 3_600_000) continue;
      await redis.xgroup("DELCONSUMER", streamKey, group, name);
    }
  }

  /** `fresh`: read for the first time (only those may be delivered directly). */
  private async handle(entries: readonly RawEntry[], fresh: boolean): Promise<void> {
    await this.o.cache.sync();
    const enabled = this.o.cache.all.filter((s) => s.enabled);
    const queued: DeliveryRequest[] = [];
    const direct = new Map<string, Promise<void>[]>();
    const ackNow: string[] = [];
    for (const [streamId, fields] of entries) {
      if (this.inFlight.has(streamId)) continue;
      const runs: Promise<void>[] = [];
      // Entries deleted while pending come back without fields: nothing to relay.
      const type = fields ? typeOf(fields) : "deleted";
      if (fields) this.o.metrics?.eventsRelayed.inc({ type });
      // Most events (accepted, submitting…) interest no subscription: ack them without parsing.
      if (fields && enabled.some((s) => matchesEventPattern(s.events, type))) {
        const event = eventFromStreamEntry(streamId, fields);
        this.o.recent?.add({ streamId, event });
        for (const subscription of this.o.cache.matching(event)) {
          const request = { jobId: deliveryJobId(streamId, subscription.id), data: { subscriptionId: subscription.id, eventId: event.id } };
          const run = fresh ? this.o.direct?.start(request) : undefined;
          if (run) runs.push(run);
          else queued.push(request);
        }
      }
      if (runs.length > 0) {
        direct.set(streamId, runs);
        this.inFlight.add(streamId);
      } else ackNow.push(streamId);
    }
    const queuedAll = queued.length > 0 ? this.o.queues.enqueue(queued) : Promise.resolve();
    // An entry with direct runs also waits for this batch's jobs: its other deliveries may be among them.
    for (const [streamId, runs] of direct) this.ackWhenSettled(streamId, [...runs, queuedAll]);
    await queuedAll;
    if (ackNow.length > 0) await this.o.redis.xack(this.o.streamKey, this.o.group, ...ackNow);
  }

  /**
   * XACKs an entry once all its deliveries were made, given up or queued. If one of them could
   * not be, the entry stays pending, for this process's next re-read after an error or for a claim
   * (every replica claims entries idle longer than `claimIdleMs`, its own included).
   */
  private ackWhenSettled(streamId: string, work: Promise<void>[]): void {
    const acking = Promise.allSettled(work)
      .then(async (results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        await (this.o.acks ?? this.o.redis).xack(this.o.streamKey, this.o.group, streamId);
      })
      .catch((err: unknown) => {
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), streamId }, "event left unacknowledged after a direct delivery");
      })
      .finally(() => {
        this.inFlight.delete(streamId);
        this.acking.delete(acking);
      });
    this.acking.add(acking);
  }
}

/** The `type` field of a stream entry (flat field/value list). */
function typeOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "type") return fields[i + 1] as string;
  return "unknown";
}
