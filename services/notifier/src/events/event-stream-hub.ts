import type { Redis } from "ioredis";
import { type EventLog, toLogged } from "@oceanpos/core/events";
import type { Logger } from "@oceanpos/core/logger";
import type { NotifierMetrics } from "../metrics.js";
import { SseClient, type SseClientOptions } from "./sse-client.js";

export interface EventStreamHubOptions {
  /** A dedicated connection (worker role) for the shared XREAD BLOCK loop. */
  redis: Redis;
  eventLog: EventLog;
  logger: Logger;
  metrics?: NotifierMetrics;
  /** `SSE_HEARTBEAT_MS`; default 15 000. */
  heartbeatMs?: number;
  /** `SSE_MAX_BACKLOG`; default 1 000 frames. */
  maxBacklog?: number;
  /** XREAD BLOCK time; default 5 000 ms. */
  blockMs?: number;
}

export type ClientRequest = Pick<SseClientOptions, "response" | "filter"> & {
  /** Resume after this stream id (Last-Event-ID); undefined for new events only. */
  after?: string;
};

/**
 * One XREAD BLOCK loop per process feeds every live-stream client (Redis sees one reader however
 * many dashboards are open). A client resuming with Last-Event-ID registers first — live events
 * are buffered — then reads its backlog with XRANGE, then flushes the buffer: the backlog reaches
 * at least up to where the live reader was at registration, so nothing falls in between, and the
 * client's cursor drops duplicates.
 */
export class EventStreamHub {
  private readonly o: EventStreamHubOptions;
  private readonly clients = new Set<SseClient>();
  private position: string | undefined;
  private starting: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: EventStreamHubOptions) {
    this.o = options;
  }

  get size(): number {
    return this.clients.size;
  }

  async add(request: ClientRequest): Promise<SseClient> {
    await this.start();
    const client = new SseClient({
      response: request.response,
      filter: request.filter,
      cursor: request.after ?? (this.position as string),
      catchingUp: request.after !== undefined,
      maxBacklog: this.o.maxBacklog ?? 1_000,
      onClose: () => {
        this.clients.delete(client);
        this.o.metrics?.sseClients.set(this.clients.size);
      },
    });
    if (this.stopped) {
      client.close();
      return client;
    }
    this.clients.add(client);
    this.o.metrics?.sseClients.set(this.clients.size);
    if (request.after !== undefined) {
      try {
        for (;;) {
          const batch = await this.o.eventLog.after(client.position, 200);
          if (batch.length === 0 || client.isClosed) break;
          for (const entry of batch) client.send(entry);
        }
        client.caughtUp();
      } catch (err) {
        this.o.logger.warn({ err }, "live stream backlog read failed");
        client.close();
      }
    }
    return client;
  }

  /** Ends every stream (clients reconnect elsewhere with Last-Event-ID) and stops the reader. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    for (const client of [...this.clients]) client.close();
    this.o.redis.disconnect();
    await this.loop;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      this.position = await this.o.eventLog.lastId();
      this.loop = this.run();
      this.heartbeat = setInterval(() => {
        for (const client of this.clients) client.heartbeat();
      }, this.o.heartbeatMs ?? 15_000);
      this.heartbeat.unref();
    })();
    return this.starting;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const reply = (await this.o.redis.xread("COUNT", 500, "BLOCK", this.o.blockMs ?? 5_000, "STREAMS", this.o.eventLog.key, this.position as string)) as
          | [string, [string, string[]][]][]
          | null;
        const entries = toLogged(reply?.[0]?.[1] ?? []);
        failures = 0;
        const last = entries[entries.length - 1];
        if (!last) continue;
        // Position and fan-out in one synchronous step: a client registering now sees either
        // the old position (and gets these entries) or the new one (and its backlog has them).
        this.position = last.streamId;
        for (const client of this.clients) for (const entry of entries) client.offer(entry);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), failures }, "live stream reader error; retrying");
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))));
      }
    }
  }
}
