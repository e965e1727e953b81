import { EventEmitter } from "node:events";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Fields, leaves } from "./protocol.js";

export interface RecordedNotice {
  body: string;
  fields: Fields;
  contentType: string;
  at: number;
}

/**
 * A real local HTTP server standing in for the notifier: records every notice and answers with
 * `answer(n)` for the n-th request (default `receive-ok`); `null` never answers (a hung notifier).
 */
export class NoticeReceiver {
  readonly notices: RecordedNotice[] = [];
  answer: (index: number) => string | null = () => "receive-ok";
  private readonly events = new EventEmitter();
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const index = this.notices.length;
        this.notices.push({ body, fields: leaves(body), contentType: String(req.headers["content-type"]), at: Date.now() });
        const answer = this.answer(index);
        if (answer !== null) res.writeHead(200, { "content-type": "text/plain" }).end(answer);
        this.events.emit("notice");
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notice`;
    return this;
  }

  /** Notices about one order, in arrival order. */
  forOrder(orderNumber: string): RecordedNotice[] {
    return this.notices.filter((n) => n.fields.order_number === orderNumber);
  }

  /** Resolves once `count` notices about `orderNumber` arrived; fails with a clear message after `timeoutMs`. */
  async waitFor(orderNumber: string, count: number, timeoutMs = 3_000): Promise<RecordedNotice[]> {
    return this.waitForMatching(`for ${orderNumber}`, (n) => n.fields.order_number === orderNumber, count, timeoutMs);
  }

  /** Refund notices (any notice_type but `transaction`) whose push_id is `refundId`. */
  refundNotices(refundId: string): RecordedNotice[] {
    return this.notices.filter((n) => n.fields.notice_type !== "transaction" && n.fields.push_id === refundId);
  }

  /** Resolves once `count` refund notices for `refundId` arrived; fails with a clear message after `timeoutMs`. */
  async waitForRefund(refundId: string, count: number, timeoutMs = 3_000): Promise<RecordedNotice[]> {
    return this.waitForMatching(`for refund ${refundId}`, (n) => n.fields.notice_type !== "transaction" && n.fields.push_id === refundId, count, timeoutMs);
  }

  /** Resolves with the matching notices once there are `count`; rejects naming `what` after `timeoutMs`. */
  async waitForMatching(what: string, matches: (n: RecordedNotice) => boolean, count: number, timeoutMs = 3_000): Promise<RecordedNotice[]> {
    const found = () => this.notices.filter(matches);
    if (found().length >= count) return found();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off("notice", check);
        reject(new Error(`expected ${count} notice(s) ${what} within ${timeoutMs} ms, got ${found().length}`));
      }, timeoutMs);
      const check = () => {
        if (found().length < count) return;
        clearTimeout(timer);
        this.events.off("notice", check);
        resolve();
      };
      this.events.on("notice", check);
    });
    return found();
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
