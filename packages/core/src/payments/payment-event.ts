import type { RefundEvent } from "../refunds/refund-event.js";
import type { Payment } from "./payment.js";
import type { PaymentStatus } from "./payment-status.js";
import type { RiskNoticeEvent } from "./risk-notice.js";

export type PaymentEventType = `payment.${PaymentStatus}`;

/** One transition of one payment, as published on webhooks, the live stream and the event log. */
export interface PaymentEvent {
  /** `evt_` + the Redis stream id: unique, ordered, and usable as `Last-Event-ID`. */
  id: string;
  type: PaymentEventType;
  createdAt: string;
  data: Payment;
}

/**
 * Any event of the stream: a payment's, a refund's or a risk notice's, one shape (`type` tells
 * them apart; every `data` carries `orderNumber` and `storeId`).
 */
export type StreamEvent = PaymentEvent | RefundEvent | RiskNoticeEvent;

export function eventTypeOf(status: PaymentStatus): PaymentEventType {
  return `payment.${status}`;
}

export function eventIdOf(streamId: string): string {
  return `evt_${streamId}`;
}

/** The stream id behind an event id, or undefined when it is not one of ours. */
export function streamIdOf(eventId: string): string | undefined {
  const m = /^evt_([0-9]+-[0-9]+)$/.exec(eventId);
  return m?.[1];
}

/**
 * Rebuilds an event from a stream entry's fields (`type`, `at`, `storeId`, `data`): a payment's,
 * a refund's or a risk notice's ({@link StreamEvent}). Its readers (the notifier's relay, live
 * stream, event log and replays) read `type`, `data.storeId` and `data.orderNumber`, which every
 * kind has, and pass `data` on as it was written.
 */
export function eventFromStreamEntry(streamId: string, fields: readonly string[]): StreamEvent {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  // The stream holds only what the stores' scripts wrote: `type` names the shape of `data`.
  return {
    id: eventIdOf(streamId),
    type: map.get("type") ?? "",
    createdAt: map.get("at") ?? "",
    data: JSON.parse(map.get("data") ?? "null") as unknown,
  } as StreamEvent;
}
