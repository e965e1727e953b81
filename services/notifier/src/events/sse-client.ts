import type { ServerResponse } from "node:http";
import { type LoggedEvent, compareStreamIds } from "@oceanpos/core/events";
import type { StreamEvent } from "@oceanpos/core/payments";

export interface SseClientOptions {
  response: ServerResponse;
  /** Which events this client may see (a store key sees its store only). */
  filter: (event: StreamEvent) => boolean;
  /** Stream id the client has seen up to (exclusive start). */
  cursor: string;
  /** True while the backlog after `cursor` is being sent: live events wait in a buffer meanwhile. */
  catchingUp: boolean;
  /** Frames allowed to wait in the socket (or the catch-up buffer) before the client is cut off. */
  maxBacklog: number;
  onClose: () => void;
}

/**
 * One live-stream connection. Every event passes through {@link offer}, from the backlog reader
 * or the shared live reader, and is written at most once, in stream order: anything at or before
 * the cursor has been sent already. A client that cannot keep up is disconnected; it resumes
 * with Last-Event-ID and loses nothing.
 */
export class SseClient {
  private cursor: string;
  private catchingUp: boolean;
  private buffer: LoggedEvent[] = [];
  private unflushed = 0;
  private closed = false;
  private readonly o: SseClientOptions;

  constructor(options: SseClientOptions) {
    this.o = options;
    this.cursor = options.cursor;
    this.catchingUp = options.catchingUp;
    options.response.on("drain", () => {
      this.unflushed = 0;
    });
    options.response.on("close", () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A live event from the shared reader. */
  offer(entry: LoggedEvent): void {
    if (this.closed) return;
    if (this.catchingUp) {
      this.buffer.push(entry);
      if (this.buffer.length > this.o.maxBacklog) this.close();
      return;
    }
    this.send(entry);
  }

  /** A backlog event (catch-up), oldest first. */
  send(entry: LoggedEvent): void {
    if (this.closed || compareStreamIds(entry.streamId, this.cursor) <= 0) return;
    this.cursor = entry.streamId;
    if (!this.o.filter(entry.event)) return;
    const { id, type, createdAt, data } = entry.event;
    this.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, createdAt, data })}\n\n`);
  }

  get position(): string {
    return this.cursor;
  }

  /** The backlog is sent: flush what arrived live meanwhile, then go live. */
  caughtUp(): void {
    this.catchingUp = false;
    const buffered = this.buffer;
    this.buffer = [];
    for (const entry of buffered) this.send(entry);
  }

  heartbeat(): void {
    if (!this.closed) this.write(": ping\n\n");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    if (!this.o.response.writableEnded) this.o.response.end();
    this.o.onClose();
  }

  private write(frame: string): void {
    if (!this.o.response.write(frame)) this.unflushed++;
    if (this.unflushed > this.o.maxBacklog) this.close();
  }
}
