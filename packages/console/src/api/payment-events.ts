import type { ApiClient } from "./api-client.js";
import type { Delivery, PipelineEvent, Subscription } from "./types.js";

export interface EventDeliveries {
  event: PipelineEvent;
  /** Per subscription, that event's delivery attempts, newest first. */
  deliveries: { subscription: Subscription; attempts: Delivery[] }[];
}

/** Clocks of the intake and Redis may differ a little: look this far around the payment's own times. */
const slackMs = 60_000;
const pageSize = 500;
const maxPages = 10;

/**
 * The events of one payment and its refunds, read from the notifier's event log from just before
 * the payment was created (an event id is its stream time) until just after its last change, and
 * the webhook deliveries each produced, asked per subscription and event.
 */
export async function paymentEvents(
  api: ApiClient,
  payment: { orderNumber: string; storeId: string; createdAt: string },
  lastChangeAt: string,
  signal: AbortSignal,
): Promise<{ events: EventDeliveries[]; complete: boolean }> {
  const until = Date.parse(lastChangeAt) + slackMs;
  let after: string | null = `evt_${Math.max(0, Date.parse(payment.createdAt) - slackMs)}-0`;
  const mine: PipelineEvent[] = [];
  let complete = false;
  for (let page = 0; page < maxPages && after; page++) {
    const answer: { events: PipelineEvent[]; next: string | null } = await api.call("notifier", "/v1/events", { query: { after, limit: pageSize }, signal });
    for (const event of answer.events) if (event.data.orderNumber === payment.orderNumber && event.data.storeId === payment.storeId) mine.push(event);
    const last = answer.events.at(-1);
    after = answer.next;
    if (!after || (last && Date.parse(last.createdAt) > until)) {
      complete = true;
      break;
    }
  }
  const { subscriptions } = await api.call<{ subscriptions: Subscription[] }>("notifier", "/v1/subscriptions", { signal });
  const events = await Promise.all(
    mine.map(async (event) => ({
      event,
      deliveries: (
        await Promise.all(
          subscriptions.map(async (subscription) => {
            const { deliveries } = await api.call<{ deliveries: Delivery[] }>("notifier", `/v1/subscriptions/${encodeURIComponent(subscription.id)}/deliveries`, {
              query: { eventId: event.id, limit: 1000 },
              signal,
            });
            return { subscription, attempts: deliveries };
          }),
        )
      ).filter((d) => d.attempts.length > 0),
    })),
  );
  return { events, complete };
}
