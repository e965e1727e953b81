export { paymentStatuses, type PaymentStatus, finalStatuses, isFinal, canTransition, isGatewayContradiction } from "./payment-status.js";
export { currencyDigits, formatAmount, sumAmounts } from "./decimal-amounts.js";
export { currencyAmountProblem, currencyDecimals, formatCurrencyMinor, isValidAmount, sameAmount, toCurrencyMinor, toMinorUnits } from "./money.js";
export { paymentMethods, type PaymentMethod, walletOfAuthCode } from "./wallet.js";
export { canonicalJson, requestFingerprint } from "./canonical-json.js";
export {
  PaymentRequest,
  OrderNumber,
  Amount,
  Currency,
  Customer,
  Item,
  PaymentMode,
  PaymentMethodSchema,
  methodOf,
} from "./payment-request.js";
export { Payment, HistoryEntry, PaymentStatusSchema, TransitionSource } from "./payment.js";
export {
  type PaymentEvent,
  type PaymentEventType,
  type StreamEvent,
  eventTypeOf,
  eventIdOf,
  streamIdOf,
  eventFromStreamEntry,
} from "./payment-event.js";
export {
  PaymentStore,
  type PaymentStoreOptions,
  type NewPayment,
  type CreateResult,
  type CreateLimit,
  type TransitionChange,
  type TransitionResult,
  type TransitionOptions,
  type SubmitSnapshot,
} from "./payment-store.js";
export { type RecordSendResult } from "./payment-store.js";
export { type PaymentRef, parseRefMember, refMember } from "./payment-ref.js";
export { submitFeed, submitFeedMaxLen, submitFeedRef } from "./submit-feed.js";
export {
  ReconcileSchedule,
  defaultReconcileIntervalsMs,
  type ReconcileScheduleOptions,
  type ReconcileClaim,
  type ScheduleScope,
} from "./reconcile-schedule.js";
export { paymentRefundFields, withRefundAmounts } from "./refund-totals.js";
export { riskNoticeEventType, type RiskNotice, type RiskNoticeData, type RiskNoticeEvent } from "./risk-notice.js";
export { RiskNotices, recordRiskNoticeLua, type RiskNoticeResult, type RiskNoticesOptions } from "./risk-notices.js";
export { PaymentRetention, type PaymentRetentionOptions, type RetentionCandidate, type RemoveOutcome, type EnrollStep } from "./payment-retention.js";
export { PaymentRecorder, defaultReviewQueryMs, type NeedsReviewKind, type PaymentRecorderMetrics, type PaymentRecorderOptions } from "./payment-recorder.js";
export { qrCodePath, withQrCode } from "./qr-code.js";
