import { type RefundRef, parseRefundMember } from "./refund-ref.js";

/**
 * The refund feed (`redisKeys(prefix).refundFeed`): one stream entry per created refund, written
 * by the refund create script in the same atomic step as the refund, its event and the payment's
 * held amount, so a refund can never exist without the request to file it. The payer reads it
 * through one consumer group (`StreamGroupWorker`, as the submit feed) and files each refund once
 * from it; what must wait (a retry, a rate-limited terminal) becomes a BullMQ job
 * (`jobCatalog.submitRefund`).
 */
export const refundFeed = {
  /** The consumer group every payer reads through. */
  group: "payer",
  /** The entry's one field: `account:orderNumber:refundNumber` (`refundMember`). */
  field: "ref",
} as const;

/**
 * Entries kept (`MAXLEN ~`). An entry trimmed before a payer read it loses nothing: its refund is
 * still `accepted`, listed in the `acceptedRefunds` index for a recovery sweep.
 */
export const refundFeedMaxLen = 100_000;

/** The refund of a feed entry (flat field/value list), or undefined for a malformed one. */
export function refundFeedRef(fields: readonly string[] | null): RefundRef | undefined {
  if (!fields || fields[0] !== refundFeed.field) return undefined;
  return parseRefundMember(fields[1] ?? "");
}
