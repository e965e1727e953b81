import { Webhook } from "standardwebhooks";
import { RequestDeadline } from "@oceanpos/core/http";
import { Agent, request } from "undici";
import type { UrlGuard } from "./url-guard.js";
import { guardedConnector } from "./guarded-connector.js";

export interface WebhookSenderOptions {
  guard: UrlGuard;
  /** `WEBHOOK_TIMEOUT_MS`: the whole request (connect, headers, body); default 15 000. */
  timeoutMs?: number;
  clock?: () => Date;
}

export interface WebhookMessage {
  url: string;
  /** `webhook-id`: the event id, the same on every retry so receivers can deduplicate. */
  id: string;
  /** The exact bytes that are signed and sent. */
  body: string;
  /** Each signs the message (`webhook-signature` lists them, space-separated): two during a rotation. */
  secrets: readonly string[];
  /** Aborts the request (shutdown). */
  signal?: AbortSignal;
}

export interface SendResult {
  /** The receiver's status, or null when there was no answer (refused, time-out, DNS, policy). */
  statusCode: number | null;
  latencyMs: number;
  /** `Retry-After`, in ms, on 429 and 503 answers. */
  retryAfterMs?: number;
  error?: string;
}

/** The endpoint took it: any 2xx. */
export function delivered(result: SendResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/**
 * Sends one signed webhook. The address policy is enforced where the connection is made (see
 * `guardedConnector`): the address actually connected to is checked, whatever the URL said when
 * the subscription was saved, and nothing is written to a refused one.
 */
export class WebhookSender {
  private readonly guard: UrlGuard;
  private readonly timeoutMs: number;
  private readonly clock: () => Date;
  private readonly agent: Agent;

  constructor(options: WebhookSenderOptions) {
    this.guard = options.guard;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.clock = options.clock ?? (() => new Date());
    this.agent = new Agent({
      connect: guardedConnector({ guard: this.guard, timeoutMs: this.timeoutMs }),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  async send(message: WebhookMessage): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const deadline = new RequestDeadline(this.timeoutMs, message.signal);
    try {
      const url = this.guard.parse(message.url);
      // One clock reading for both: a signature and a header that straddle a second never verify.
      const signedAt = this.clock();
      const signature = message.secrets.map((secret) => new Webhook(secret).sign(message.id, signedAt, message.body)).join(" ");
      const response = await request(url, {
        method: "POST",
        dispatcher: this.agent,
        body: message.body,
        signal: deadline.signal,
        headers: {
          "content-type": "application/json",
          "user-agent": "oceanpos-notifier/0.1",
          "webhook-id": message.id,
          "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
      });
      // The body is not used; reading it frees the connection for keep-alive.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const result: SendResult = { statusCode: response.statusCode, latencyMs: elapsed() };
      if (response.statusCode === 429 || response.statusCode === 503) {
        const retryAfter = parseRetryAfter(response.headers["retry-after"], this.clock());
        if (retryAfter !== undefined) result.retryAfterMs = retryAfter;
      }
      return result;
    } catch (err) {
      return { statusCode: null, latencyMs: elapsed(), error: describe(err) };
    } finally {
      deadline.dispose();
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return "request failed";
  const code = (err as NodeJS.ErrnoException).code;
  if (err.name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timed out";
  if (err.name === "AbortError") return "aborted";
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${code ? `${code} ` : ""}${err.message}${cause}`.slice(0, 300);
}
