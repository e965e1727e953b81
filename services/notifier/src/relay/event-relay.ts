import { matchesEventPattern } from "@oceanpos/core/events";
import { eventFromStreamEntry } from "@oceanpos/core/payments";
import { deliveryJob } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";
import { type StartedWork, type StreamEntry, StreamGroupWorker, type StreamGroupWorkerOptions } from "@oceanpos/core/redis";
import type { DeliveryJobToAdd, DeliveryQueues } from "../delivery/delivery-queues.js";
import type { DirectDeliveries } from "../delivery/direct-deliveries.js";
import type { NotifierMetrics } from "../metrics.js";
import type { SubscriptionCache } from "../subscriptions/subscription-cache.js";
import type { RecentEvents } from "./recent-events.js";

export interface EventRelayOptions
  extends Pick<StreamGroupWorkerOptions, "redis" | "acks" | "consumer" | "startId" | "claimIdleMs" | "blockMs" | "batchSize" | "lingerMs"> {
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
}

/**
 * The outbox relay: reads the event stream through a consumer group and, per (event, matching
 * subscription), makes the first delivery attempt itself (`DirectDeliveries`, when its lane has
 * room) or enqueues a delivery job with a deterministic jobId; an event is XACKed only once every
 * one of its deliveries was made, given up or queued. A crash in between leaves the entry pending:
 * this process re-reads its own pending entries first, and other replicas claim entries of dead
 * consumers (XAUTOCLAIM). An entry read again goes to jobs only, whose jobId makes a second
 * enqueue a no-op; a delivery made directly just before the crash is made again (receivers
 * dedupe on `webhook-id`). Reading, keeping events in flight, acknowledging and closing are core's
 * `StreamGroupWorker`, as for the payer's submit feed; the fan-out is this class's.
 */
export class EventRelay {
  private readonly o: EventRelayOptions & { group: string };
  private readonly worker: StreamGroupWorker;

  constructor(options: EventRelayOptions) {
    this.o = { group: "notifier", ...options };
    const { cache: _c, queues: _q, metrics: _m, recent: _r, direct: _d, ...reading } = this.o;
    this.worker = new StreamGroupWorker({
      ...reading,
      name: "event relay",
      // Direct deliveries still running after the grace are aborted; each then queues its retry.
      afterGrace: "abort",
      work: (entries, fresh, signal) => this.fanOut(entries, fresh, signal),
    });
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  /**
   * Stops reading: the batch being handled finishes (enqueue + XACK), a blocked read is cut; direct
   * deliveries in flight get `graceMs` to finish (then they are aborted and queued as retries).
   */
  close(graceMs = 5_000): Promise<void> {
    return this.worker.close(graceMs);
  }

  /** `fresh`: read for the first time (only those may be delivered directly). */
  private async fanOut(entries: readonly StreamEntry[], fresh: boolean, signal: AbortSignal): Promise<StartedWork> {
    await this.o.cache.sync();
    const enabled = this.o.cache.all.filter((s) => s.enabled);
    const queued: DeliveryJobToAdd[] = [];
    const running = new Map<string, Promise<void>[]>();
    const startedAt = Date.now();
    for (const [streamId, fields] of entries) {
      // Entries deleted while pending come back without fields: nothing to relay.
      const type = fields ? typeOf(fields) : "deleted";
      if (fields) this.o.metrics?.eventsRelayed.inc({ type });
      // Most events (accepted, submitting…) interest no subscription: ack them without parsing.
      if (!fields || !enabled.some((s) => matchesEventPattern(s.events, type))) continue;
      const event = eventFromStreamEntry(streamId, fields);
      this.o.recent?.add({ streamId, event });
      const runs: Promise<void>[] = [];
      for (const subscription of this.o.cache.matching(event)) {
        const delivery = { streamId, subscriptionId: subscription.id };
        const run = fresh ? (await this.o.direct?.admit(delivery, startedAt, signal))?.run : undefined;
        if (run) runs.push(run);
        else queued.push(deliveryJob(streamId, subscription.id));
      }
      if (runs.length > 0) running.set(streamId, runs);
    }
    return { running, ...(queued.length > 0 ? { batch: this.o.queues.enqueue(queued) } : {}) };
  }
}

/** The `type` field of a stream entry (flat field/value list). */
function typeOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "type") return fields[i + 1] as string;
  return "unknown";
}
