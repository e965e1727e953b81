import { request } from "undici";
import type { RefundCommand } from "./args.js";
import { openEventStream } from "./event-stream.js";

interface RefundView {
  orderNumber: string;
  refundNumber: string;
  amount: string;
  currency: string;
  status: string;
  refundId?: string;
  gateway?: { code: string; message: string };
}

/** Where a refund stops being followed: its final statuses, and a person's review. */
const settledStatuses = new Set(["succeeded", "failed", "needs_review"]);

/**
 * `refund`: creates the refund through intake (`POST /v1/payments/{orderNumber}/refunds`) and
 * follows it on the notifier's event stream until it is final (or waits for a person). Exit code
 * 0 when it succeeded, 1 otherwise (refused, failed, needs review, or no final status in time).
 */
export async function runRefund(cmd: RefundCommand, say: (line: string) => void): Promise<number> {
  const authorization = `Bearer ${cmd.apiKey}`;
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), cmd.timeoutSec * 1000);
  const label = `${cmd.orderNumber} refund ${cmd.refundNumber}`;
  const show = (refund: RefundView) =>
    say(`${label}: ${refund.status}${refund.gateway ? ` (${refund.gateway.code} ${refund.gateway.message})` : ""}`);
  try {
    const events = await openEventStream(cmd.notifierUrl, cmd.apiKey, abort.signal);
    const res = await request(`${cmd.intakeUrl}/v1/payments/${encodeURIComponent(cmd.orderNumber)}/refunds`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ refundNumber: cmd.refundNumber, amount: cmd.amount, ...(cmd.reason !== undefined ? { reason: cmd.reason } : {}) }),
      signal: abort.signal,
    });
    const created = (await res.body.json()) as RefundView & { error?: { code: string; message: string; refundableAmount?: string } };
    if (res.statusCode >= 400) {
      say(`intake refused the refund (${res.statusCode}): ${JSON.stringify(created.error)}`);
      return 1;
    }
    const replayed = res.headers["idempotent-replayed"] === "true" ? " (replayed: this refund number exists)" : "";
    say(`${label}: ${created.amount} ${created.currency} → ${created.status}${replayed}`);
    if (settledStatuses.has(created.status)) return await finish(cmd, created, say);
    for await (const event of events) {
      if (!event.type.startsWith("refund.")) continue;
      const refund = event.data as unknown as RefundView;
      if (refund.orderNumber !== cmd.orderNumber || refund.refundNumber !== cmd.refundNumber) continue;
      show(refund);
      if (settledStatuses.has(refund.status)) return await finish(cmd, refund, say);
    }
    say(`${label}: no final status within ${cmd.timeoutSec} s`);
    return 1;
  } catch (err) {
    if (abort.signal.aborted) {
      say(`${label}: no final status within ${cmd.timeoutSec} s`);
      return 1;
    }
    say((err as Error).message);
    return 1;
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
}

/** Prints what the payment has left after a settled refund; 0 when the refund succeeded. */
async function finish(cmd: RefundCommand, refund: RefundView, say: (line: string) => void): Promise<number> {
  const res = await request(`${cmd.intakeUrl}/v1/payments/${encodeURIComponent(cmd.orderNumber)}`, { headers: { authorization: `Bearer ${cmd.apiKey}` } });
  const payment = (await res.body.json()) as { refundedAmount?: string; refundableAmount?: string; currency?: string };
  if (res.statusCode === 200) say(`${cmd.orderNumber}: refunded ${payment.refundedAmount} ${payment.currency}, refundable ${payment.refundableAmount} ${payment.currency}`);
  return refund.status === "succeeded" ? 0 : 1;
}
