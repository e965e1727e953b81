import type { Refund } from "./refund.js";
import type { RefundStatus } from "./refund-status.js";

export type RefundEventType = `refund.${RefundStatus}`;

/**
 * One transition of one refund, in the same event stream and shape as payment events
 * (`{id, type, createdAt, data}`, stream fields `type`, `at`, `storeId`, `data`): the relay,
 * the live stream, the event log and the ledger read both from one stream.
 */
export interface RefundEvent {
  /** `evt_` + the Redis stream id (`eventIdOf`). */
  id: string;
  type: RefundEventType;
  createdAt: string;
  data: Refund;
}

export function refundEventTypeOf(status: RefundStatus): RefundEventType {
  return `refund.${status}`;
}
