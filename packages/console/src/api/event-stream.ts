import { type ApiClient, serviceUrl } from "./api-client.js";
import { type PipelineEvent, paymentStatuses, refundStatuses } from "./types.js";

/** `live`: events arrive as they happen; `connecting`: (re)connecting; `down`: refused or unreachable, trying again. */
export type StreamState = "connecting" | "live" | "down";

export interface EventStreamOptions {
  onEvent: (event: PipelineEvent) => void;
  onState: (state: StreamState) => void;
}

/** The SSE `event:` names the console follows (an EventSource delivers named events only to their listeners). */
const followed = [...paymentStatuses.map((s) => `payment.${s}`), "payment.risk_notice", ...refundStatuses.map((s) => `refund.${s}`)];

/** Backoff of a new connection after a refusal: 1 s, doubling, at most 30 s. */
const retryMs = (failures: number) => Math.min(30_000, 1_000 * 2 ** failures);

/**
 * The notifier's live event stream (`GET /v1/events/stream`) through the ledger's forwarding. An
 * EventSource cannot send Authorization, so it opens with a short-lived stream token
 * (`POST /v1/events/stream-tokens`, with the session's token: a store key's sees its store's
 * events only). A dropped connection is resumed by the browser itself (Last-Event-ID, the
 * server's `retry`); one the server refuses (the token expired, the notifier is down) is opened
 * again with a new token, after the last event seen, so nothing is missed.
 */
export class EventStream {
  private source: EventSource | undefined;
  private lastEventId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly api: ApiClient,
    private readonly o: EventStreamOptions,
  ) {
    void this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.source?.close();
  }

  private async open(): Promise<void> {
    this.o.onState("connecting");
    let token: string;
    try {
      ({ token } = await this.api.call<{ token: string }>("notifier", "/v1/events/stream-tokens", { method: "POST" }));
    } catch {
      this.retry();
      return;
    }
    if (this.closed) return;
    const source = new EventSource(serviceUrl("notifier", "/v1/events/stream", { token, lastEventId: this.lastEventId }));
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.o.onState("live");
    };
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return this.o.onState("connecting");
      source.close();
      this.retry();
    };
    for (const type of followed) {
      source.addEventListener(type, (message) => {
        this.lastEventId = message.lastEventId;
        this.o.onEvent(JSON.parse(message.data as string) as PipelineEvent);
      });
    }
  }

  private retry(): void {
    if (this.closed) return;
    this.o.onState("down");
    this.timer = setTimeout(() => void this.open(), retryMs(this.failures++));
  }
}
