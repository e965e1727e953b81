import { type PaymentRef, parseRefMember } from "./payment-ref.js";

/**
 * The submit feed (`redisKeys(prefix).submits`): one stream entry per created payment, written by
 * the create script in the same atomic step, so a payment can never exist without the request to
 * send it. Payers read it through one consumer group and make each payment's first send straight
 * from it; only what must wait (a retry, a rate-limited terminal) becomes a BullMQ job.
 */
export const submitFeed = {
  /** The consumer group every payer reads through. */
  group: "payer",
  /** The entry's one field: `account:orderNumber`. */
  field: "ref",
} as const;

/**
 * Entries kept (`MAXLEN ~`): ~40 MB of Redis, minutes of payments with every payer down. An entry
 * trimmed before a payer read it loses nothing: its payment is still `accepted`, and the intake's
 * recovery sweep queues a submit job for it.
 */
export const submitFeedMaxLen = 1_000_000;

/** The payment of a feed entry (flat field/value list), or undefined for a malformed one. */
export function submitFeedRef(fields: readonly string[] | null): PaymentRef | undefined {
  if (!fields || fields[0] !== submitFeed.field) return undefined;
  return parseRefMember(fields[1] ?? "");
}
