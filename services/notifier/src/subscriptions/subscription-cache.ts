import type { StreamEvent } from "@oceanpos/core/payments";
import { type SigningSecrets, type Subscription, type SubscriptionStore, signingSecretsAt, subscriptionMatches } from "@oceanpos/core/webhooks";
import type { Logger } from "@oceanpos/core/logger";

export interface SubscriptionCacheOptions {
  store: SubscriptionStore;
  logger: Logger;
  /** Background refresh period (`SUBSCRIPTION_REFRESH_MS`); default 2 000 ms. */
  refreshMs?: number;
  /** When a replaced secret stops signing is decided with this clock. */
  clock?: () => Date;
}

/**
 * Subscriptions held in memory so that fanning out an event costs no Redis call per event. A
 * version counter (bumped by every change, whichever replica made it) tells whether a reload is
 * needed: the relay checks it once per batch of events (one GET), a timer keeps it fresh otherwise.
 */
export class SubscriptionCache {
  private readonly store: SubscriptionStore;
  private readonly logger: Logger;
  private readonly refreshMs: number;
  private readonly listeners: Array<(subscriptions: readonly Subscription[]) => void> = [];
  private subscriptions: readonly Subscription[] = [];
  private readonly clock: () => Date;
  private secrets = new Map<string, SigningSecrets>();
  private version: string | undefined;
  private syncing: Promise<readonly Subscription[]> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SubscriptionCacheOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.refreshMs = options.refreshMs ?? 2_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Loads once, then refreshes in the background. */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => {
      this.sync().catch((err: unknown) => this.logger.warn({ err }, "subscription refresh failed"));
    }, this.refreshMs);
    this.timer.unref();
  }

  /** Called with the new list whenever it changed. */
  onChange(listener: (subscriptions: readonly Subscription[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reloads when the version moved; concurrent callers share one round trip. `force` (after a
   * change made by this process) waits for a load already in flight — it may have read the old
   * version — and then reloads.
   */
  sync(force = false): Promise<readonly Subscription[]> {
    if (force) {
      const inFlight = this.syncing ?? Promise.resolve();
      return inFlight
        .catch(() => undefined)
        .then(() => {
          this.version = undefined;
          return this.sync();
        });
    }
    this.syncing ??= this.load().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  get all(): readonly Subscription[] {
    return this.subscriptions;
  }

  get(id: string): Subscription | undefined {
    return this.subscriptions.find((s) => s.id === id);
  }

  /**
   * The subscription and the secrets that sign for it now (the current one first, then one a
   * rotation replaced while it is still valid), for a delivery attempt: one GET of the version
   * (instead of reading both from Redis), reloading first when it moved. A change committed
   * before the call (e.g. a disable, a 410 in another replica, a rotation) is therefore always
   * seen. Undefined when the subscription no longer exists.
   */
  async current(id: string): Promise<{ subscription: Subscription; secrets: string[] } | undefined> {
    const version = await this.store.version();
    // A load that read this version read the list after it: the list is at least that new.
    if (version !== this.version) await this.sync(true);
    const subscription = this.get(id);
    return subscription && { subscription, secrets: signingSecretsAt(this.secrets.get(id), this.clock()) };
  }

  /** Enabled subscriptions that want this event. */
  matching(event: StreamEvent): Subscription[] {
    return this.subscriptions.filter((s) => s.enabled && subscriptionMatches(s, event));
  }

  disabledCount(): number {
    return this.subscriptions.filter((s) => !s.enabled).length;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async load(): Promise<readonly Subscription[]> {
    const version = await this.store.version();
    if (version === this.version) return this.subscriptions;
    // Read after the version, so they are at least as new as it.
    const [list, secrets] = await Promise.all([this.store.list(), this.store.secrets()]);
    this.subscriptions = list;
    this.secrets = secrets;
    this.version = version;
    for (const listener of this.listeners) listener(list);
    return list;
  }
}
