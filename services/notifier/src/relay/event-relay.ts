import type { Redis } from "ioredis";
import { matchesEventPattern } from "@oceanpos/core/events";
import { eventFromStreamEntry } from "@oceanpos/core/payments";
import { deliveryJobId } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";
import { type StreamEntry, StreamGroupReader, type StreamGroupReaderOptions } from "@oceanpos/core/redis";
import type { DeliveryQueues, DeliveryRequest } from "../delivery/delivery-queues.js";
import type { DirectDeliveries } from "../delivery/direct-deliveries.js";
import type { NotifierMetrics } from "../metrics.js";
import type { SubscriptionCache } from "../subscriptions/subscription-cache.js";
import type { RecentEvents } from "./recent-events.js";

export interface EventRelayOptions
  extends Pick<StreamGroupReaderOptions, "redis" | "consumer" | "startId" | "claimIdleMs" | "blockMs" | "batchSize" | "lingerMs"> {
  /** The event stream key (`redisKeys(prefix).events`). */
  streamKey: string;
  /** Consumer group shared by every replica; default `notifier`. */
  group?: string;
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
}

/**
 * The outbox relay: reads the event stream through a consumer group and, per (event, matching
 * subscription), makes the first delivery attempt itself (`DirectDeliveries`, when its lane has
 * room) or enqueues a delivery job with a deterministic jobId; it XACKs an event only once every
 * one of its deliveries was made, given up or queued. A crash in between leaves the entry pending:
 * this process re-reads its own pending entries first, and other replicas claim entries of dead
 * consumers (XAUTOCLAIM). An entry read again goes to jobs only, whose jobId makes a second
 * enqueue a no-op; a delivery made directly just before the crash is made again (receivers
 * dedupe on `webhook-id`). Reading, re-reading and claiming: `StreamGroupReader`.
 */
export class EventRelay {
  private readonly o: EventRelayOptions & { group: string };
  private readonly reader: StreamGroupReader;
  /** Entries whose direct deliveries are still running: they acknowledge themselves. */
  private readonly inFlight = new Set<string>();
  private readonly acking = new Set<Promise<void>>();
  private closed: Promise<void> | undefined;

  constructor(options: EventRelayOptions) {
    this.o = { group: "notifier", ...options };
    const { cache: _c, queues: _q, metrics: _m, recent: _r, direct: _d, acks: _a, ...reading } = this.o;
    this.reader = new StreamGroupReader({
      ...reading,
      name: "event relay",
      inFlight: this.inFlight,
      // Events whose first attempts run long (a slow endpoint) are not another replica's to claim.
      ...(this.o.acks ? { renewWith: this.o.acks } : {}),
      handle: (entries, fresh) => this.handle(entries, fresh),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /**
   * Stops reading: the batch being handled finishes (enqueue + XACK), a blocked read is cut; direct
   * deliveries in flight get `graceMs` to finish (then they are aborted and queued as retries).
   */
  close(graceMs = 5_000): Promise<void> {
    this.closed ??= (async () => {
      await this.reader.close();
      await this.o.direct?.close(graceMs);
      while (this.acking.size > 0) await Promise.all([...this.acking]);
      this.o.redis.disconnect();
    })();
    return this.closed;
  }

  /** `fresh`: read for the first time (only those may be delivered directly). */
  private async handle(entries: readonly StreamEntry[], fresh: boolean): Promise<void> {
    await this.o.cache.sync();
    const enabled = this.o.cache.all.filter((s) => s.enabled);
    const queued: DeliveryRequest[] = [];
    const direct = new Map<string, Promise<void>[]>();
    const ackNow: string[] = [];
    const startedAt = Date.now();
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
          const run = fresh ? (await this.o.direct?.admit(request, startedAt))?.run : undefined;
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
