import { Redis } from "ioredis";
import { redactUrl } from "./redact-url.js";

/**
 * Waits until the Redis at `url` serves data: it answers PING (while it loads its append-only file
 * it answers LOADING, which counts as not yet). Each try is a fresh connection that gives up at
 * once, so a server that is still starting, restarting or behind a proxy that accepts and closes
 * (Docker's userland proxy in front of a stopped container) is simply tried again, every 25 ms, at
 * most `timeoutMs`; then it fails with the last error seen.
 */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    // A server that accepts and never answers (a frozen one) must not hold a try past the deadline.
    const left = Math.max(50, deadline - Date.now());
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: left, commandTimeout: left });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      lastError = err;
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the Redis at ${redactUrl(url)} did not answer PING within ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
