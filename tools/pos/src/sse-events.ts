import { EventSource, type FetchLike } from "eventsource";

/** One Server-Sent Event of the notifier's stream: its type (`payment.succeeded`…), id and JSON data. */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export interface EventStreamOptions {
  /** `…/v1/events/stream`. */
  url: string;
  /** A store key (its store's events) or the operator token, sent as `Authorization: Bearer`. */
  token: string;
  /** The event types to follow (an EventSource delivers a named event only to its listeners). */
  types: readonly string[];
}

/**
 * The notifier's live stream through the `eventsource` package (the WhatWG EventSource, which
 * reconnects by itself with Last-Event-ID): `open` resolves once the stream answered 200 and
 * rejects with the notifier's status otherwise; iterate for events, in order, until `close()`.
 */
export class EventStream implements AsyncIterable<SseEvent> {
  private readonly queue: SseEvent[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly source: EventSource) {}

  static open(options: EventStreamOptions): Promise<EventStream> {
    // Node's fetch, with the bearer token a browser's EventSource could not send.
    const authorized: FetchLike = (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${options.token}` } });
    const source = new EventSource(options.url, { fetch: authorized });
    const stream = new EventStream(source);
    for (const type of options.types) {
      source.addEventListener(type, (e) => stream.push({ id: e.lastEventId, event: type, data: String(e.data) }));
    }
    return new Promise((resolve, reject) => {
      source.addEventListener("open", () => resolve(stream), { once: true });
      source.addEventListener(
        "error",
        (e) => {
          // Before the first open: refused (401, 404…) or unreachable. Later errors are reconnections.
          if (source.readyState === EventSource.CLOSED) {
            stream.close();
            reject(new Error(e.code ? `the notifier answered ${e.code}${e.message ? ` (${e.message})` : ""}` : (e.message ?? "the notifier could not be reached")));
          }
        },
      );
    });
  }

  close(): void {
    this.closed = true;
    this.source.close();
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SseEvent> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private push(event: SseEvent): void {
    this.queue.push(event);
    this.wake?.();
  }
}
