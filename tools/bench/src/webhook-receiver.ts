import { type Server, createServer } from "node:http";

interface Waiter {
  keys: Set<string>;
  resolve: () => void;
}

/**
 * A local webhook endpoint: answers 204 at once and records, per `type:orderNumber`, when the
 * first delivery arrived (retries carry the same `webhook-id` and are counted, not re-timed).
 */
export class WebhookReceiver {
  readonly firstSeen = new Map<string, number>();
  deliveries = 0;
  duplicates = 0;
  private readonly seenIds = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private server: Server | undefined;
  private port = 0;

  /**
   * @param onEvent sees every first delivery of an event (e.g. to pick up a payment's paymentId).
   */
  constructor(
    private readonly onEvent?: (event: WebhookEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const at = this.now();
        res.writeHead(204).end();
        this.record(req.headers["webhook-id"], Buffer.concat(chunks).toString("utf8"), at);
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    this.server = server;
  }

  /** Resolves when every key has been seen, or after `timeoutMs` (then some are missing). */
  waitFor(keys: Iterable<string>, timeoutMs: number): Promise<void> {
    const pending = new Set([...keys].filter((k) => !this.firstSeen.has(k)));
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { keys: pending, resolve: () => done() };
      const timer = setTimeout(() => done(), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Per orderNumber of `startedAt`, how long after its start (same clock) the first `type` event
   * for it arrived; orders without one are left out. `lastAt`: the latest of those arrivals (0: none).
   */
  latencies(type: string, startedAt: ReadonlyMap<string, number>): { samples: number[]; lastAt: number } {
    const samples: number[] = [];
    let lastAt = 0;
    for (const [orderNumber, t] of startedAt) {
      const at = this.firstSeen.get(eventKey(type, orderNumber));
      if (at === undefined) continue;
      samples.push(at - t);
      lastAt = Math.max(lastAt, at);
    }
    return { samples, lastAt };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private record(id: string | string[] | undefined, body: string, at: number): void {
    this.deliveries++;
    const webhookId = Array.isArray(id) ? id[0] : id;
    if (webhookId !== undefined) {
      if (this.seenIds.has(webhookId)) {
        this.duplicates++;
        return;
      }
      this.seenIds.add(webhookId);
    }
    let event: WebhookEvent;
    try {
      event = JSON.parse(body) as WebhookEvent;
    } catch {
      return;
    }
    const key = eventKey(String(event.type), String(event.data?.orderNumber));
    this.onEvent?.(event);
    if (this.firstSeen.has(key)) return;
    this.firstSeen.set(key, at);
    for (const waiter of this.waiters) {
      waiter.keys.delete(key);
      if (waiter.keys.size === 0) waiter.resolve();
    }
  }
}

export interface WebhookEvent {
  id?: string;
  type?: string;
  data?: { orderNumber?: string; paymentId?: string; amount?: string; currency?: string; method?: string; status?: string };
}

export const eventKey = (type: string, orderNumber: string) => `${type}:${orderNumber}`;
