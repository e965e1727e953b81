import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { freePort } from "@oceanpos/harness";
import { Webhook } from "standardwebhooks";

/** `ok`: answers 2xx (or 500 at `failRate`); `unavailable`: listens and answers 503; `refused`: not listening. */
export type ReceiverMode = "ok" | "unavailable" | "refused";

/** One event as this receiver accepted it (answered 2xx after a valid signature). */
export interface ReceivedEvent {
  type: string;
  orderNumber: string;
  storeId: string;
  version: number;
  /** Accepted deliveries of this event id (more than 1: a duplicate, allowed). */
  deliveries: number;
}

export interface WebhookReceiverOptions {
  name: string;
  mode: ReceiverMode;
  /** Share of verified deliveries answered 500 while `ok` (to exercise retries); default 0. */
  failRate?: number;
  random?: () => number;
}

/**
 * A back-office webhook endpoint on 127.0.0.1 that verifies every delivery with the
 * `standardwebhooks` library and records the event ids it accepted.
 */
export class WebhookReceiver {
  readonly name: string;
  readonly port: number;
  readonly received = new Map<string, ReceivedEvent>();
  /** Every request, whatever the answer. */
  requests = 0;
  /** Requests whose signature, timestamp or body did not verify (answered 400). */
  unverifiable = 0;
  readonly unverifiableSamples: string[] = [];
  /** Deliveries refused on purpose (500 at failRate, 503 while unavailable). */
  refusedOnPurpose = 0;
  private mode: ReceiverMode;
  private verifier: Webhook | undefined;
  private server: Server | undefined;
  private readonly failRate: number;
  private readonly random: () => number;

  private constructor(o: WebhookReceiverOptions, port: number) {
    this.name = o.name;
    this.port = port;
    this.mode = o.mode;
    this.failRate = o.failRate ?? 0;
    this.random = o.random ?? Math.random;
  }

  static async start(o: WebhookReceiverOptions): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(o, await freePort());
    if (o.mode !== "refused") await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/${this.name}`;
  }

  get currentMode(): ReceiverMode {
    return this.mode;
  }

  /** The subscription's `whsec_…` secret (known once the subscription exists). */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    this.mode = mode;
    if (mode === "refused") await this.closeServer();
    else await this.listen();
  }

  /** Deliveries accepted beyond the first per event id. */
  get duplicates(): number {
    let n = 0;
    for (const e of this.received.values()) n += e.deliveries - 1;
    return n;
  }

  async close(): Promise<void> {
    await this.closeServer();
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 2_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      this.requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      const event = this.verify(body, req.headers);
      if (!event) return void res.writeHead(400).end("bad signature");
      if (this.mode === "unavailable") {
        this.refusedOnPurpose++;
        return void res.writeHead(503).end("down for maintenance");
      }
      if (this.failRate > 0 && this.random() < this.failRate) {
        this.refusedOnPurpose++;
        return void res.writeHead(500).end("flaky");
      }
      const id = String(req.headers["webhook-id"]);
      const seen = this.received.get(id);
      if (seen) seen.deliveries++;
      else this.received.set(id, { ...event, deliveries: 1 });
      res.writeHead(204).end();
    });
  }

  /** The event when the delivery verifies and its body is an event whose id is the webhook-id; undefined otherwise. */
  private verify(body: string, headers: IncomingMessage["headers"]): Omit<ReceivedEvent, "deliveries"> | undefined {
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (typeof v === "string") flat[k] = v;
    try {
      if (!this.verifier) throw new Error("no secret yet");
      const payload = this.verifier.verify(body, flat) as { id?: unknown; type?: unknown; data?: Record<string, unknown> };
      if (payload.id !== flat["webhook-id"]) throw new Error(`body id ${String(payload.id)} is not webhook-id ${flat["webhook-id"]}`);
      const data = payload.data ?? {};
      return {
        type: String(payload.type),
        orderNumber: String(data.orderNumber),
        storeId: String(data.storeId),
        version: Number(data.version),
      };
    } catch (err) {
      this.unverifiable++;
      if (this.unverifiableSamples.length < 10) this.unverifiableSamples.push(`${flat["webhook-id"] ?? "?"}: ${(err as Error).message}`);
      return undefined;
    }
  }
}
