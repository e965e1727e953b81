export { refundStatuses, type RefundStatus, finalRefundStatuses, isRefundFinal, canRefundTransition, isRefundContradiction, holdsAmount } from "./refund-status.js";
export { Refund, RefundHistoryEntry, RefundStatusSchema } from "./refund.js";
export { RefundRequest, RefundNumber, refundReasonMaxLength } from "./refund-request.js";
export { type RefundRef, refundMember, parseRefundMember, paymentRefOf } from "./refund-ref.js";
export { type RefundEvent, type RefundEventType, refundEventTypeOf } from "./refund-event.js";
export { refundFeed, refundFeedMaxLen, refundFeedRef } from "./refund-feed.js";
export {
  RefundStore,
  type RefundStoreOptions,
  type NewRefund,
  type RefundCreateResult,
  type RefundChange,
  type RefundTransitionResult,
  type RefundTransitionOptions,
} from "./refund-store.js";
export { refundSchedule } from "./refund-schedule.js";
