import { type ClientRequest, type IncomingMessage, request } from "node:http";

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal Server-Sent Events reader for tests: collects frames, awaits counts. */
export class SseReader {
  readonly frames: SseFrame[] = [];
  comments = 0;
  status = 0;
  headers: IncomingMessage["headers"] = {};
  private buffer = "";
  private req: ClientRequest | undefined;
  private waiters: Array<() => void> = [];

  static open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const reader = new SseReader();
    return new Promise((resolve, reject) => {
      reader.req = request(url, { headers: { accept: "text/event-stream", ...headers } }, (res: IncomingMessage) => {
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => reader.feed(chunk));
        resolve(reader);
      });
      reader.req.on("error", reject);
      reader.req.end();
    });
  }

  /** Resolves with the first `n` event frames; fails after `timeoutMs`. */
  next(n: number, timeoutMs = 5_000): Promise<SseFrame[]> {
    return this.until(() => this.frames.length >= n, timeoutMs, () => `expected ${n} SSE events, got ${this.frames.length}`).then(() =>
      this.frames.slice(0, n),
    );
  }

  until(check: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(message())), timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = {};
      let isComment = true;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const i = line.indexOf(":");
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
        if (field === "id" || field === "event" || field === "data") {
          frame[field] = value;
          isComment = false;
        } else if (field === "retry") {
          isComment = false;
        }
      }
      if (frame.data !== undefined) this.frames.push(frame);
      else if (isComment) this.comments++;
    }
    for (const w of [...this.waiters]) w();
  }
}
