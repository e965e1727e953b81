import type { PaymentStatus } from "@oceanpos/core/payments";
import { type RefundEvent, refundFeedRef } from "@oceanpos/core/refunds";
import { eventFromStreamEntry } from "@oceanpos/core/payments";
import { expect } from "vitest";
import { type Harness, account, apiKeys, auth, merchantScan } from "./harness.js";

/** A payment of the store created through the API, then taken to `status` as the payer would. */
export async function paymentIn(h: Harness, status: PaymentStatus = "succeeded", overrides: Record<string, unknown> = {}, key: string = apiKeys.a): Promise<string> {
  const body = merchantScan(overrides);
  const res = await h.app.inject({ method: "POST", url: "/v1/payments", headers: auth(key), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  const ref = { account: key === apiKeys.slow ? "777777" : account, orderNumber: body.orderNumber };
  if (status === "accepted") return body.orderNumber;
  await h.payments.transition(ref, { to: "submitting", source: "payer" });
  if (status !== "submitting") await h.payments.transition(ref, { to: status, source: "payer", set: { paymentId: "240506101548268260914" } });
  return body.orderNumber;
}

export const refundsUrl = (orderNumber: string, query = "") => `/v1/payments/${orderNumber}/refunds${query}`;

/** POSTs a refund with a store key (default store-a) or other headers. */
export function postRefund(h: Harness, orderNumber: string, payload: unknown, headers: Record<string, string> = auth(), query = "") {
  return h.app.inject({ method: "POST", url: refundsUrl(orderNumber, query), headers, payload: payload as object });
}

/** The refund events in the stream, oldest first. */
export async function refundEvents(h: Harness): Promise<RefundEvent[]> {
  const entries = await h.redis.xrange(h.keys.events, "-", "+");
  return entries.map(([id, fields]) => eventFromStreamEntry(id, fields) as unknown as RefundEvent).filter((e) => e.type.startsWith("refund."));
}

/** The refund numbers in the refund feed (the payer's first applyRefund), oldest first. */
export async function refundFeed(h: Harness): Promise<(string | undefined)[]> {
  return (await h.redis.xrange(h.keys.refundFeed, "-", "+")).map(([, fields]) => refundFeedRef(fields)?.refundNumber);
}
