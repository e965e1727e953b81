import { streamGroupBacklog } from "@oceanpos/core/redis";
import type { RedisFixture } from "@oceanpos/testing";
import { waitFor } from "@oceanpos/testing";
import { redisKeys } from "@oceanpos/core/redis";

/** Waits until the `ledger` group has read and acknowledged (committed) every entry of the test's stream. */
export function settled(redis: RedisFixture, timeoutMs = 15_000): Promise<true> {
  const key = redisKeys(redis.prefix).events;
  return waitFor(
    async () => {
      const backlog = await streamGroupBacklog(redis.client(), key, "ledger");
      return backlog?.unread === 0 && backlog.pending === 0;
    },
    { timeoutMs, message: "the ledger group to read and acknowledge every entry" },
  );
}
