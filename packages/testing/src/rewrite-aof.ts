import { waitFor } from "@oceanpos/harness";
import type { Redis } from "ioredis";

/**
 * Rewrites Redis's append-only file (BGREWRITEAOF) and waits until it is done: what Redis does on
 * its own once the file has grown, so that a restart after it loads a base plus what came since.
 */
export async function rewriteAppendOnlyFile(redis: Redis, timeoutMs = 10_000): Promise<void> {
  await redis.bgrewriteaof();
  await waitFor(
    async () => {
      const info = await redis.info("persistence");
      return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info);
    },
    { timeoutMs, intervalMs: 20, message: "the append-only file rewritten" },
  );
}
