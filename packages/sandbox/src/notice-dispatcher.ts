import { setTimeout as sleep } from "node:timers/promises";
import { type Logger, lazyChildLogger } from "@oceanpos/core/logger";
import { Agent, request } from "undici";
import type { Faults } from "./faults.js";
import type { SandboxMetrics } from "./sandbox-metrics.js";

/** Oceanpayment's delivery schedule shape: right away, then backing off; 5 attempts in total. */
export const defaultNoticeRetryDelaysMs: readonly number[] = [0, 1_000, 3_000, 10_000, 30_000];

export interface NoticeDispatcherOptions {
  faults: Faults;
  logger: Logger;
  /** Delay before each delivery attempt; its length is the number of attempts. Default {@link defaultNoticeRetryDelaysMs}. */
  retryDelaysMs?: readonly number[];
  /** An attempt gives up when connecting, the answer's headers or a pause in its body take longer; default 5 000 ms. */
  timeoutMs?: number;
  /** Counts notices by result; default: not counted. */
  metrics?: SandboxMetrics;
}

/** One notice to send: `render(corrupt)` produces its signed XML, corrupted when a fault says so. */
export interface OutgoingNotice {
  url: string;
  paymentId: string;
  render: (corruptSignature: boolean) => string;
}

/**
 * Posts transaction notices in the background until the receiver answers `receive-ok`, applying
 * the notice faults. Each call to {@link send} is one sequence delivered in order (a final notice,
 * then the stale one `noticeReorder` adds). `close()` aborts everything still waiting or in flight.
 */
export class NoticeDispatcher {
  private readonly faults: Faults;
  private readonly logger: Logger;
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly metrics: SandboxMetrics | undefined;
  private readonly agent: Agent;
  private readonly stop = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(options: NoticeDispatcherOptions) {
    this.faults = options.faults;
    this.logger = options.logger;
    this.retryDelaysMs = options.retryDelaysMs ?? defaultNoticeRetryDelaysMs;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.metrics = options.metrics;
    // The attempt's time limit is the agent's, for every phase (connect, headers, body): no
    // signal and timer to make per notice.
    this.agent = new Agent({
      keepAliveTimeout: 4_000,
      connections: 128,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    if (this.retryDelaysMs.length === 0) throw new Error("retryDelaysMs needs at least one attempt");
  }

  /** Queues `final`, then `stale` when `noticeReorder` is on. Returns at once. */
  send(final: OutgoingNotice, stale: OutgoingNotice): void {
    if (this.stop.signal.aborted || final.url === "") return;
    const settings = this.faults.current;
    if (settings.noticeDrop) {
      this.logger.debug({ paymentId: final.paymentId }, "notice dropped (fault)");
      this.metrics?.notices.inc({ result: "dropped" });
      return;
    }
    const sequence: OutgoingNotice[] = settings.noticeReorder ? [final, stale] : [final];
    // Rolled now, in sequence order, so a deterministic random decides every notice up front.
    const bodies = sequence.flatMap((notice) => {
      const body = notice.render(this.faults.roll(settings.badSignatureRate));
      const copies = this.faults.roll(settings.noticeDuplicateRate) ? 2 : 1;
      return Array.from({ length: copies }, () => ({ notice, body }));
    });
    const task = this.deliverInOrder(bodies, settings.noticeDelayMs).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves when every queued notice has been delivered or given up on (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.stop.abort();
    // Fails the requests in flight at once; their sequences then end on the aborted signal.
    await this.agent.destroy();
    await this.idle();
  }

  private async deliverInOrder(bodies: { notice: OutgoingNotice; body: string }[], delayMs: number): Promise<void> {
    try {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.stop.signal });
      for (const { notice, body } of bodies) await this.deliver(notice, body);
    } catch (err) {
      if (!this.stop.signal.aborted) this.logger.error({ err }, "notice delivery failed unexpectedly");
    }
  }

  /** Up to `retryDelaysMs.length` attempts; throws only when the dispatcher is closing. */
  private async deliver(notice: OutgoingNotice, body: string): Promise<void> {
    const log = lazyChildLogger(this.logger, { paymentId: notice.paymentId });
    for (const [index, delayMs] of this.retryDelaysMs.entries()) {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.stop.signal });
      this.stop.signal.throwIfAborted();
      const outcome = await this.post(notice.url, body);
      if (outcome === "receive-ok") {
        log.debug({ attempt: index + 1 }, "notice delivered");
        this.metrics?.notices.inc({ result: "delivered" });
        return;
      }
      log.debug({ attempt: index + 1, outcome }, "notice not acknowledged");
    }
    log.warn({ attempts: this.retryDelaysMs.length }, "notice undelivered after every attempt");
    this.metrics?.notices.inc({ result: "undelivered" });
  }

  private async post(url: string, body: string): Promise<string> {
    try {
      const response = await request(url, {
        method: "POST",
        body,
        headers: { "content-type": "application/xml; charset=utf-8" },
        dispatcher: this.agent,
      });
      const text = await response.body.text();
      // Oceanpayment only looks at the body: anything but `receive-ok` is a failed attempt.
      return text.trim() === "receive-ok" ? "receive-ok" : `HTTP ${response.statusCode}: ${text.slice(0, 80)}`;
    } catch (err) {
      this.stop.signal.throwIfAborted();
      return (err as Error).message;
    }
  }
}
