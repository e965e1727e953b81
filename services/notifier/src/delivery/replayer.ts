import { randomBytes } from "node:crypto";
import type { EventLog } from "@oceanpos/core/events";
import { streamIdOf } from "@oceanpos/core/payments";
import { type DeadLetter, type DeliveryLog, type Subscription, deliveryJob, subscriptionMatches } from "@oceanpos/core/webhooks";
import type { DeliveryJobToAdd, DeliveryQueues } from "./delivery-queues.js";

export interface ReplayerOptions {
  eventLog: EventLog;
  deliveryLog: DeliveryLog;
  queues: DeliveryQueues;
}

/**
 * Re-delivers retained events to one subscription. Each replay gets fresh jobIds (so deliveries
 * that already succeeded run again) while `webhook-id` stays the event id, so receivers that
 * deduplicate still can.
 */
export class Replayer {
  private readonly o: ReplayerOptions;

  constructor(options: ReplayerOptions) {
    this.o = options;
  }

  /** Every retained event since `since` that the subscription matches; resolves with their number. */
  async since(subscription: Subscription, since: Date): Promise<number> {
    const nonce = newNonce();
    let count = 0;
    for await (const batch of this.o.eventLog.since(since)) {
      const requests: DeliveryJobToAdd[] = batch
        .filter(({ event }) => subscriptionMatches(subscription, event))
        .map(({ streamId }) => deliveryJob(streamId, subscription.id, { replayNonce: nonce }));
      if (requests.length > 0) await this.o.queues.enqueue(requests);
      count += requests.length;
    }
    return count;
  }

  /** Every dead letter of the subscription (each event once); they leave the dead-letter list. */
  async deadLetters(subscription: Subscription): Promise<number> {
    return this.replayLetters(subscription, await this.o.deliveryLog.deadLetters(subscription.id, 10_000));
  }

  /** The dead letter(s) of one event: delivered once more, and they leave the list; 0 when the event has none. */
  async deadLetter(subscription: Subscription, eventId: string): Promise<number> {
    return this.replayLetters(subscription, await this.o.deliveryLog.deadLetters(subscription.id, 10_000, eventId));
  }

  private async replayLetters(subscription: Subscription, letters: DeadLetter[]): Promise<number> {
    const nonce = newNonce();
    const seen = new Set<string>();
    const requests: DeliveryJobToAdd[] = [];
    for (const letter of letters) {
      const streamId = streamIdOf(letter.eventId);
      if (!streamId || seen.has(streamId)) continue;
      seen.add(streamId);
      requests.push(deliveryJob(streamId, subscription.id, { replayNonce: nonce }));
    }
    if (requests.length > 0) await this.o.queues.enqueue(requests);
    await this.o.deliveryLog.removeDeadLetters(subscription.id, letters);
    return requests.length;
  }
}

function newNonce(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}
