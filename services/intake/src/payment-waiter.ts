import type { Payment, PaymentRef, PaymentStore } from "@oceanpos/core/payments";
import { redisKeys } from "@oceanpos/core/redis";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface PaymentWaiterOptions {
  /** A connection used only for SUBSCRIBE (Redis puts it in subscriber mode). Owned by the caller. */
  subscriber: Redis;
  payments: PaymentStore;
  keyPrefix: string;
  logger: Logger;
}

type Listener = () => void;

interface ChannelEntry {
  listeners: Set<Listener>;
  /** Resolves once Redis confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/**
 * Holds `Prefer: wait` requests without polling. One subscriber connection per process; each
 * payment channel is subscribed while at least one request waits on it, and every message (the
 * payment's new version) wakes that channel's listeners, which re-read the payment once.
 */
export class PaymentWaiter {
  private readonly subscriber: Redis;
  private readonly payments: PaymentStore;
  private readonly keys: ReturnType<typeof redisKeys>;
  private readonly logger: Logger;
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly onMessage = (channel: string) => {
    for (const listener of this.channels.get(channel)?.listeners ?? []) listener();
  };
  private closed = false;

  constructor(options: PaymentWaiterOptions) {
    this.subscriber = options.subscriber;
    this.payments = options.payments;
    this.keys = redisKeys(options.keyPrefix);
    this.logger = options.logger;
    this.subscriber.on("message", this.onMessage);
  }

  /**
   * Resolves with the payment once `done(payment)` holds, or with its latest state after
   * `timeoutMs` (or when the waiter closes). `settled` tells which.
   */
  async waitFor(
    ref: PaymentRef,
    done: (payment: Payment) => boolean,
    timeoutMs: number,
  ): Promise<{ payment: Payment | undefined; settled: boolean }> {
    const channel = this.keys.paymentChannel(ref.account, ref.orderNumber);
    let wake: Listener = () => {};
    let timer: NodeJS.Timeout | undefined;
    const listener: Listener = () => wake();
    const entry = this.listen(channel, listener);
    try {
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      // Subscribed first, read second: a change between our read and the SUBSCRIBE cannot be missed.
      const subscribed = entry.subscribed.then(
        () => "ok" as const,
        () => "failed" as const,
      );
      if ((await Promise.race([subscribed, deadline])) !== "ok") {
        return { payment: await this.payments.get(ref), settled: false };
      }
      for (;;) {
        const woken = new Promise<"message">((resolve) => {
          wake = () => resolve("message");
        });
        const payment = await this.payments.get(ref);
        if (!payment || done(payment)) return { payment, settled: payment !== undefined };
        if (this.closed) return { payment, settled: false };
        if ((await Promise.race([woken, deadline])) === "timeout") {
          return { payment: await this.payments.get(ref), settled: false };
        }
      }
    } finally {
      clearTimeout(timer);
      this.unlisten(channel, listener);
    }
  }

  /** Ends every pending wait now (each answers with the payment as it is) and stops listening. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.channels.values()) for (const listener of entry.listeners) listener();
    this.subscriber.off("message", this.onMessage);
  }

  private listen(channel: string, listener: Listener): ChannelEntry {
    let entry = this.channels.get(channel);
    if (!entry) {
      const subscribed = this.subscriber.subscribe(channel);
      // A failed SUBSCRIBE only means this wait ends at its deadline; the race above handles it.
      subscribed.catch((err: unknown) => this.logger.warn({ err: (err as Error).message, channel }, "subscribe failed"));
      entry = { listeners: new Set(), subscribed };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(listener);
    return entry;
  }

  private unlisten(channel: string, listener: Listener): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0) return;
    this.channels.delete(channel);
    // Commands on one connection run in order, so a later SUBSCRIBE of the same channel wins.
    this.subscriber.unsubscribe(channel).catch(() => {});
  }
}
