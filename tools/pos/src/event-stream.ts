import { EventStream } from "./sse-events.js";

/** One event of the notifier's live stream: `{id, type, createdAt, data}`. */
export interface StreamedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const paymentStatuses = ["accepted", "submitting", "awaiting_customer", "pending", "succeeded", "failed", "voided", "needs_review"];
const refundStatuses = ["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"];
/** Every type the demo may follow (an EventSource hands a named event only to its listeners). */
const followedTypes = [...paymentStatuses.map((s) => `payment.${s}`), "payment.risk_notice", ...refundStatuses.map((s) => `refund.${s}`)];

/**
 * Opens the notifier's live event stream (`GET /v1/events/stream`) before the caller submits
 * anything, so that no transition can slip past unseen, and yields its events until `signal`
 * aborts. Throws an Error meant for the user when the notifier refuses.
 */
export async function openEventStream(notifierUrl: string, apiKey: string, signal: AbortSignal): Promise<AsyncGenerator<StreamedEvent>> {
  let stream: EventStream;
  try {
    stream = await EventStream.open({ url: `${notifierUrl}/v1/events/stream`, token: apiKey, types: followedTypes });
  } catch (err) {
    throw new Error(`cannot follow events: ${(err as Error).message}`);
  }
  signal.addEventListener("abort", () => stream.close(), { once: true });
  if (signal.aborted) stream.close();
  return read(stream);
}

async function* read(stream: EventStream): AsyncGenerator<StreamedEvent> {
  try {
    for await (const event of stream) yield JSON.parse(event.data) as StreamedEvent;
  } finally {
    stream.close();
  }
}
