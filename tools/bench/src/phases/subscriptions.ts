import { json } from "../http-client.js";
import { type BenchContext, adminToken } from "./context.js";

/** Subscribes `url` to `events` through the operator API; returns the subscription id. */
export async function subscribe(ctx: BenchContext, url: string, events: string[], description: string): Promise<string> {
  const res = await json<{ id: string }>(ctx.notifier, "POST", "/v1/subscriptions", { token: adminToken, body: { url, events, description } });
  if (res.status !== 201) throw new Error(`subscribing ${url} failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function unsubscribe(ctx: BenchContext, id: string): Promise<void> {
  const res = await json(ctx.notifier, "DELETE", `/v1/subscriptions/${id}`, { token: adminToken });
  if (res.status >= 300) ctx.log(`unsubscribing ${id}: HTTP ${res.status}`);
}

/** The notifier's subscription cache refreshes every SUBSCRIPTION_REFRESH_MS (2 s): wait it out. */
export const subscriptionSettleMs = 2_600;

/** Merges sandbox fault injection settings (e.g. `{ latencyMs: 20 }`); `undefined` clears them all. */
export async function sandboxFaults(ctx: BenchContext, faults: Record<string, number | boolean> | undefined): Promise<void> {
  const res = faults === undefined ? await json(ctx.sandbox, "DELETE", "/sandbox/faults") : await json(ctx.sandbox, "POST", "/sandbox/faults", { body: faults });
  if (res.status >= 300) throw new Error(`sandbox faults: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}
