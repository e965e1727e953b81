import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { freePort } from "@oceanpos/harness";
import { type DocumentFields, documentFields } from "./forgery.js";
import { type HttpClient, sleep } from "./http-client.js";

export interface NoticeTapOptions {
  http: HttpClient;
  /** Notifier base URLs, the one this tap stands in front of first; re-read on every forward. */
  notifierUrls: () => readonly string[];
  /** Called with every transaction document that passes through, and whether it is being held. */
  onNotice: (fields: DocumentFields, held: boolean) => void;
  /** How long a held notice waits before it is forwarded. Default 1 500 ms. */
  holdMs?: number;
  /** Of the orders seen while holding, one in `holdEvery` has its notices held. Default 3. */
  holdEvery?: number;
  /** A held notice no notifier accepted within this is given up (a dropped notice). Default 60 000 ms. */
  forwardForMs?: number;
}

/**
 * An attacker on the wire between the gateway and a notifier: a payer's `NOTICE_URL` points
 * here. Every notice is recorded and forwarded to that notifier with the notifier's own answer
 * relayed. While holding is on, the notices of one order in `holdEvery` are answered
 * `receive-ok` by the tap itself and forwarded only `holdMs` later: the order's payment stays in
 * flight meanwhile, and the gateway, satisfied, sends the next notice of its sequence (the stale
 * pending one when it reorders), which the attacker shifts and posts first. A held notice that
 * no notifier accepts is lost, as a dropped notice is: the payer settles by query.
 */
export class NoticeTap {
  readonly port: number;
  seen = 0;
  held = 0;
  /** Held notices no notifier accepted in time. */
  heldLost = 0;
  /** Answers other than `receive-ok` relayed from the notifier (or a 502 when it was unreachable). */
  notOk = 0;
  holding = false;
  private readonly o: NoticeTapOptions;
  private server: Server | undefined;
  private readonly holdDecision = new Map<string, boolean>();
  private readonly forwards = new Set<Promise<void>>();
  private ordersSeen = 0;

  private constructor(o: NoticeTapOptions, port: number) {
    this.o = o;
    this.port = port;
  }

  static async start(o: NoticeTapOptions): Promise<NoticeTap> {
    const tap = new NoticeTap(o, await freePort());
    tap.server = createServer((req, res) => {
      tap.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => tap.server?.listen(tap.port, "127.0.0.1", resolve));
    return tap;
  }

  get noticeUrl(): string {
    return `http://127.0.0.1:${this.port}/oceanpayment/notice`;
  }

  /** Stops listening and waits for held notices still being forwarded (bounded by `forwardForMs`). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await Promise.all(this.forwards);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const fields = documentFields(body);
    const orderNumber = fields.order_number;
    this.seen++;
    const hold = orderNumber !== undefined && fields.notice_type === "transaction" && this.shouldHold(orderNumber);
    this.o.onNotice(fields, hold);
    if (hold) {
      this.held++;
      res.writeHead(200, { "content-type": "text/plain" }).end("receive-ok");
      const forward = sleep(this.o.holdMs ?? 1_500)
        .then(() => this.forwardHeld(body, req.headers["content-type"]))
        .finally(() => this.forwards.delete(forward));
      this.forwards.add(forward);
      return;
    }
    const first = this.o.notifierUrls()[0];
    try {
      const answer = await this.post(`${first}/oceanpayment/notice`, body, req.headers["content-type"]);
      if (answer.status !== 200 || answer.body !== "receive-ok") this.notOk++;
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    } catch {
      this.notOk++;
      res.writeHead(502, { "content-type": "text/plain" }).end("notifier unreachable");
    }
  }

  /** One decision per order, taken at its first notice: its later ones (duplicates, the stale pending one) follow it. */
  private shouldHold(orderNumber: string): boolean {
    let decided = this.holdDecision.get(orderNumber);
    if (decided === undefined) {
      decided = this.holding && this.ordersSeen++ % (this.o.holdEvery ?? 3) === 0;
      this.holdDecision.set(orderNumber, decided);
    }
    return decided;
  }

  private async forwardHeld(body: string, contentType: string | undefined): Promise<void> {
    const deadline = Date.now() + (this.o.forwardForMs ?? 60_000);
    for (let i = 0; Date.now() < deadline; i++) {
      const urls = this.o.notifierUrls();
      const url = urls[i % urls.length];
      const answer = await this.post(`${url}/oceanpayment/notice`, body, contentType).catch(() => undefined);
      if (answer?.status === 200 && answer.body === "receive-ok") return;
      await sleep(500);
    }
    this.heldLost++;
  }

  private post(url: string, body: string, contentType: string | undefined) {
    return this.o.http.text("POST", url, { body, headers: { "content-type": contentType ?? "application/xml" }, timeoutMs: 10_000 });
  }
}
