import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@oceanpos/core/logger";

export interface ScheduleLoopOptions {
  /** Pause between looks when fewer than `batch` were due. */
  tickMs: number;
  batch: number;
  logger: Logger;
}

/**
 * The reconcilers' loop (payments, refunds): look at the schedule (`tick`), again at once while a
 * full batch was due, else after `tickMs`; a failed look is logged and the loop goes on.
 */
export abstract class ScheduleLoop {
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly loopOptions: ScheduleLoopOptions) {}

  /** One look at the schedule; returns how many members were due. */
  abstract tick(): Promise<number>;

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the current look and stops. Safe to call twice. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger, tickMs, batch } = this.loopOptions;
    while (!this.stop.signal.aborted) {
      let due = 0;
      try {
        due = await this.tick();
      } catch (error) {
        logger.error({ err: error }, "reconciliation pass failed");
      }
      if (due >= batch) continue; // more is due: no pause
      try {
        await sleep(tickMs, undefined, { signal: this.stop.signal });
      } catch {
        return; // aborted
      }
    }
  }
}
