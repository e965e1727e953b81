import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";

export interface RetryStartOptions {
  logger: Logger;
  /** True once a shutdown began: the wait ends and the last error is thrown. */
  stopping: () => boolean;
  /** The warning logged before each new try, e.g. "cannot migrate the archive yet; retrying". */
  retrying: string;
}

/**
 * Runs a start-up step until it succeeds: a dependency away at start-up (restarted together with
 * this process) is waited out, not a reason to exit. 200 ms between the first tries, doubling to
 * 5 s; only a shutdown ends the wait.
 */
export async function retryStart(step: () => Promise<unknown>, options: RetryStartOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (err) {
      if (options.stopping()) throw err;
      options.logger.warn({ err: err instanceof Error ? err.message : String(err), attempt }, options.retrying);
      await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
    }
  }
}
