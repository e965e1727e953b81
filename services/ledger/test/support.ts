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

/** A charge the sandbox records for `orderNumber` (`POST /sandbox/orphan-charge`), at `at` (default now); answers its paymentId. */
export async function orphanCharge(sandboxUrl: string, charge: { orderNumber: string; amount?: string; currency?: string; at?: Date }): Promise<string> {
  const res = await fetch(`${sandboxUrl}/sandbox/orphan-charge`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ orderNumber: charge.orderNumber, amount: charge.amount ?? "12.50", currency: charge.currency ?? "USD", ...(charge.at ? { at: charge.at.toISOString() } : {}) }),
  });
  if (res.status !== 201) throw new Error(`orphan charge of ${charge.orderNumber}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { paymentId: string }).paymentId;
}
