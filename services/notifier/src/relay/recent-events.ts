import type { LoggedEvent } from "@oceanpos/core/events";

/**
 * The events the relay just fanned out, kept for the deliveries it enqueued: stream entries never
 * change, so a first attempt in this process skips one XRANGE and one JSON parse per delivery
 * (×subscriptions per event). Bounded, oldest dropped first; a miss (retry, other replica) reads
 * the stream as before.
 */
export class RecentEvents {
  private readonly events = new Map<string, LoggedEvent>();

  constructor(private readonly max = 1_000) {}

  add(entry: LoggedEvent): void {
    this.events.set(entry.streamId, entry);
    if (this.events.size > this.max) this.events.delete(this.events.keys().next().value as string);
  }

  get(streamId: string): LoggedEvent | undefined {
    return this.events.get(streamId);
  }
}
