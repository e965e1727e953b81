import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@oceanpos/core/logger";
import type { ReconciliationRunner } from "./reconciliation-runner.js";
import type { RunStore } from "./run-store.js";
import { addDays, formatInZone } from "./zoned-time.js";

export interface DailyTriggerOptions {
  runner: Pick<ReconciliationRunner, "start">;
  runs: Pick<RunStore, "scheduled">;
  /** `RECONCILIATION_AT`, `HH:MM` local time of `timeZone`. */
  at: string;
  /** `GATEWAY_TIME_ZONE`. */
  timeZone: string;
  /** How often the clock is looked at. */
  tickMs: number;
  logger: Logger;
  clock?: () => number;
}

/**
 * Starts the reconciliation of the day before once the zone's clock has passed `at`, once across
 * every ledger: each replica looks every `tickMs` and tries to start it as `schedule`; the
 * partial unique index lets exactly one INSERT through (see `RunStore.start`). A ledger that was
 * down at `at` starts it when it comes back the same day. A scheduled run that failed is not
 * started again by the schedule (the alert says so; an operator runs it again on demand).
 */
export class DailyTrigger {
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: DailyTriggerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  /** One look at the clock: starts the day before's run when it is due and not started yet; answers its date then. */
  async tick(): Promise<string | undefined> {
    const { at, timeZone, runs, runner } = this.options;
    const now = formatInZone(this.clock(), timeZone);
    if (now.slice(11, 16) < at) return undefined;
    const date = addDays(now.slice(0, 10), -1);
    if (await runs.scheduled(date, timeZone)) return undefined;
    const result = await runner.start({ date, timeZone, requestedBy: "schedule" });
    if (!result.started) return undefined;
    this.options.logger.info({ date, timeZone, reconciliation: result.run.id }, "scheduled reconciliation started");
    return date;
  }

  private async loop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        this.options.logger.warn({ err: error }, "could not look at the reconciliation schedule; trying again");
      }
      try {
        await sleep(this.options.tickMs, undefined, { signal: this.stop.signal });
      } catch {
        return;
      }
    }
  }
}
