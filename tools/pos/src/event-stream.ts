import { request } from "undici";
import { SseParser } from "./sse-events.js";

/** One event of the notifier's live stream: `{id, type, createdAt, data}`. */
export interface StreamedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Opens the notifier's live event stream (`GET /v1/events/stream`) before the caller submits
 * anything, so that no transition can slip past unseen, and yields its events until `signal`
 * aborts. Throws an Error meant for the user when the notifier refuses.
 */
export async function openEventStream(notifierUrl: string, authorization: string, signal: AbortSignal): Promise<AsyncGenerator<StreamedEvent>> {
  const stream = await request(`${notifierUrl}/v1/events/stream`, { headers: { authorization, accept: "text/event-stream" }, signal, bodyTimeout: 0 });
  if (stream.statusCode !== 200) throw new Error(`cannot follow events: the notifier answered ${stream.statusCode} ${await stream.body.text()}`);
  return read(stream.body, signal);
}

async function* read(body: AsyncIterable<Buffer>, signal: AbortSignal): AsyncGenerator<StreamedEvent> {
  const parser = new SseParser();
  try {
    for await (const chunk of body) {
      for (const event of parser.push(chunk.toString())) yield JSON.parse(event.data) as StreamedEvent;
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
