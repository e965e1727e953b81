import { type HttpClient, sleep } from "./http-client.js";

/** One event of `GET /v1/events`, reduced to what the checks need. */
export interface SeenEvent {
  id: string;
  type: string;
  orderNumber: string;
  storeId: string;
  version: number;
  /** `data.status`: must be the status named by `type`. */
  status: string;
  /** `createdAt` (epoch ms): when the transition was written. */
  at: number;
  /** `data.paymentId`, once the payment knows its attempt. */
  paymentId?: string;
  /** `data.gateway`: the gateway's code and message the payment carries. */
  gateway?: { code: string; message: string };
}

interface EventPage {
  events: {
    id: string;
    type: string;
    createdAt: string;
    data: { orderNumber: string; storeId: string; version: number; status: string; paymentId?: string; gateway?: { code: string; message: string } };
  }[];
  next: string | null;
}

export interface EventTailerOptions {
  http: HttpClient;
  /** Notifier base URLs; the first that answers is used (one may be down on purpose). */
  notifierUrls: () => readonly string[];
  adminToken: string;
  /** Pause when caught up; default 500 ms. */
  idleMs?: number;
}

/**
 * Follows the event log (`GET /v1/events?after=&limit=500`, operator token) for the whole run, so
 * the final check has every retained event and quiescence can be judged without polling every
 * payment.
 */
export class EventTailer {
  /** The payments' events. */
  readonly events: SeenEvent[] = [];
  /** The refunds' events (`refund.*`). */
  readonly refundEvents: SeenEvent[] = [];
  /** Latest status seen per order number (by version), from the payments' events. */
  readonly latest = new Map<string, { version: number; status: string }>();
  pagesRead = 0;
  readErrors = 0;
  private cursor: string | undefined;
  private readonly ids = new Set<string>();
  /** One reader at a time: the background loop and `catchUp` share the cursor. */
  private reading: Promise<unknown> = Promise.resolve();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly o: EventTailerOptions;

  constructor(options: EventTailerOptions) {
    this.o = options;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const caughtUp = await this.readSome().catch(() => {
          this.readErrors++;
          return true;
        });
        if (caughtUp) await sleep(this.o.idleMs ?? 500);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Reads until the end of the log (retrying other notifiers on errors, bounded by `timeoutMs`). */
  async catchUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await this.readSome()) return;
      } catch (err) {
        this.readErrors++;
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  }

  /** Reads a few pages (after any read in progress); true when the end of the log was reached. */
  private readSome(): Promise<boolean> {
    const next = this.reading.then(() => this.readPages());
    this.reading = next.catch(() => undefined);
    return next;
  }

  private async readPages(): Promise<boolean> {
    for (let pages = 0; pages < 20; pages++) {
      const page = await this.page();
      this.pagesRead++;
      for (const e of page.events) this.add(e);
      const last = page.events[page.events.length - 1];
      if (page.next) this.cursor = page.next;
      else if (last) this.cursor = last.id;
      if (!page.next) return true;
    }
    return false;
  }

  private async page(): Promise<EventPage> {
    let lastError: unknown = new Error("no notifier URL");
    for (const base of this.o.notifierUrls()) {
      const query = this.cursor ? `?after=${this.cursor}&limit=500` : "?limit=500";
      try {
        const res = await this.o.http.json<EventPage>("GET", `${base}/v1/events${query}`, { token: this.o.adminToken, timeoutMs: 10_000 });
        if (res.status === 200) return res.body;
        lastError = new Error(`GET /v1/events answered ${res.status}`);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  private add(e: EventPage["events"][number]): void {
    // Each log entry once, whatever the paging did (a duplicate transition has its own id).
    if (this.ids.has(e.id)) return;
    this.ids.add(e.id);
    const seen: SeenEvent = {
      id: e.id,
      type: e.type,
      orderNumber: e.data.orderNumber,
      storeId: e.data.storeId,
      version: e.data.version,
      status: e.data.status,
      at: Date.parse(e.createdAt),
      ...(e.data.paymentId === undefined ? {} : { paymentId: e.data.paymentId }),
      ...(e.data.gateway === undefined ? {} : { gateway: { code: e.data.gateway.code, message: e.data.gateway.message } }),
    };
    // A refund's events carry its own version and status: kept apart from the payments'.
    if (seen.type.startsWith("refund.")) {
      this.refundEvents.push(seen);
      return;
    }
    this.events.push(seen);
    const latest = this.latest.get(seen.orderNumber);
    if (!latest || latest.version < seen.version) this.latest.set(seen.orderNumber, { version: seen.version, status: seen.status });
  }
}
