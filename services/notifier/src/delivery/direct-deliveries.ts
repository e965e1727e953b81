import type { Logger } from "@oceanpos/core/logger";
import { deliveryJob } from "@oceanpos/core/webhooks";
import type { DeliveryProcessor } from "./delivery-processor.js";
import type { DeliveryQueues } from "./delivery-queues.js";

export interface DirectDeliveriesOptions {
  processor: Pick<DeliveryProcessor, "process">;
  queues: Pick<DeliveryQueues, "enqueue">;
  logger: Logger;
  /** First attempts in flight per subscription in this process; beyond that, deliveries are queued as jobs. */
  perSubscription: number;
  /** How long a batch of the relay may wait for room in a full lane before queueing jobs instead (`WEBHOOK_LANE_WAIT_MS`). */
  waitMs: number;
}

/** The delivery of one event (by its stream id) to one subscription. */
export interface DirectDelivery {
  streamId: string;
  subscriptionId: string;
}

/**
 * First attempts of webhook deliveries made by the relay itself, without a BullMQ job: most
 * deliveries succeed at once, and a job's add, fetch and completion cost more CPU (Redis's and
 * ours) than the HTTP request. The relay's `StreamGroupWorker` keeps each event in flight until
 * its attempts settle. An attempt that fails becomes a job for the next one (`priorAttempts: 1`,
 * delayed by the schedule or Retry-After), so retries, dead letters and replays stay BullMQ's.
 * This class is the relay's policy for them: each subscription has a lane of `perSubscription`
 * attempts in flight; when it is full the relay waits for room a little ({@link admit}), then
 * queues the delivery as a job, so a slow endpoint holds only its own lane, as it holds only its
 * own worker's slots.
 */
export class DirectDeliveries {
  private readonly lanes = new Map<string, number>();
  /** Wake-ups of {@link admit}s waiting for a lane's next free slot. */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Lanes that stayed full for a whole wait: no more waits until they are half empty. */
  private readonly slow = new Set<string>();

  constructor(private readonly o: DirectDeliveriesOptions) {}

  /**
   * Starts the first attempt if the subscription's lane has room. The promise settles once the
   * delivery was made, given up (dead letter, 410) or queued for its next attempt, and rejects
   * when that queueing failed: the event must then stay unacknowledged. `undefined`: the lane is
   * full (or the relay is closing) and nothing was started.
   */
  private start(delivery: DirectDelivery, signal: AbortSignal): Promise<void> | undefined {
    const id = delivery.subscriptionId;
    const busy = this.lanes.get(id) ?? 0;
    if (signal.aborted || busy >= this.o.perSubscription) return undefined;
    this.lanes.set(id, busy + 1);
    return this.attempt(delivery, signal).finally(() => {
      const left = (this.lanes.get(id) ?? 1) - 1;
      if (left > 0) this.lanes.set(id, left);
      else this.lanes.delete(id);
      if (left <= this.o.perSubscription / 2) this.slow.delete(id);
      this.wake(id);
    });
  }

  /**
   * {@link start} (its promise as `run`), waiting for a slot while the lane is full, until
   * `waitMs` after `batchStartedAt` (Date.now ms): a fast endpoint frees a slot within
   * milliseconds, and a burst's backlog then
   * stays in the event stream instead of turning most of its deliveries into jobs (each job
   * costs Redis and this process more than the request). A lane still full at the deadline is
   * marked slow: until it is half empty its deliveries go to jobs at once, so a hanging endpoint
   * costs the relay one wait, not one per batch, and the other subscriptions' deliveries with it.
   */
  async admit(delivery: DirectDelivery, batchStartedAt: number, signal: AbortSignal): Promise<{ run: Promise<void> } | undefined> {
    const id = delivery.subscriptionId;
    for (;;) {
      const run = this.start(delivery, signal);
      // Wrapped: an async function returning the promise itself would wait for the delivery.
      if (run) return { run };
      if (signal.aborted || this.slow.has(id)) return undefined;
      const left = batchStartedAt + this.o.waitMs - Date.now();
      if (left <= 0) {
        this.slow.add(id);
        return undefined;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiting.set(id, [...(this.waiting.get(id) ?? []), wake]);
      });
    }
  }

  private wake(id: string): void {
    const waiters = this.waiting.get(id);
    this.waiting.delete(id);
    for (const wake of waiters ?? []) wake();
  }

  /** One first attempt, carried out: done or given up (recorded), or queued as the job of the next attempt. */
  private async attempt(delivery: DirectDelivery, signal: AbortSignal): Promise<void> {
    const { streamId, subscriptionId } = delivery;
    const first = deliveryJob(streamId, subscriptionId);
    let end: Awaited<ReturnType<DeliveryProcessor["process"]>>;
    try {
      end = await this.o.processor.process({ id: first.opts.jobId, data: first.data, attemptsMade: 0 }, signal);
    } catch (err) {
      // Not an answer of the endpoint (e.g. Redis failed around it): the job makes the attempt again.
      this.o.logger.warn({ err: (err as Error).message, subscriptionId, eventId: first.data.eventId }, "direct webhook attempt failed; queued as a job");
      await this.o.queues.enqueue([first]);
      return;
    }
    switch (end.end) {
      case "done":
      case "fail":
        // Delivered, skipped, or dead-lettered / disabled (410): the processor recorded it; nothing comes next.
        return;
      case "retry":
        await this.o.queues.enqueue([deliveryJob(streamId, subscriptionId, { priorAttempts: 1, delayMs: end.delayMs })]);
        return;
      case "park":
        await this.o.queues.enqueue([deliveryJob(streamId, subscriptionId, { delayMs: end.delayMs })]);
        return;
      default: {
        const never: never = end;
        return never;
      }
    }
  }
}
