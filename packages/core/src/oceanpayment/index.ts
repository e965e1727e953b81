export { signatureFields, type SignedMessage } from "./signature-fields.js";
export { sign, signingString, verify } from "./signature.js";

export {
  GatewayAmbiguousError,
  GatewayPermanentError,
  GatewayRequestInvalidError,
  GatewayRetryableError,
  GatewayXmlError,
  type GatewayErrorDetails,
} from "./errors.js";
export { billingTextMaxLength, normalizeBilling, normalizeBillingText, type PayBilling } from "./normalize-billing.js";
export { canonicalAmount, isDecimalAmount, isPositiveAmount, sameAmount } from "../payments/money.js";
export type { OceanpaymentCredentials } from "./request-validation.js";
export { encodeForm, formValue, type FormFields } from "./form-fields.js";
export { buildPayForm, productSeparator, type OfflineMethod, type PayInput, type PayItem, type PayScan } from "./build-pay-form.js";
export { buildQueryForm, maxQueryOrderNumbers } from "./build-query-form.js";
export { buildVoidForm, voidAuthType } from "./build-void-form.js";
export { buildRefundForm, buildRefundQueryForm, refundTypeCodes, type RefundInput } from "./build-refund-form.js";
export { buildOrdersListForm, gatewayDateTimeFormat, type OrdersListRequest } from "./build-orders-list-form.js";
export { classifyOrdersListResponse, ordersListFormats, type ListedOrder, type OrdersListExpectation, type OrdersListOutcome } from "./orders-list-answer.js";
export { endpointUrl, oceanpaymentPaths, type OceanpaymentEndpoint } from "./endpoints.js";
export { gatewayCodes, isRequestValidationCode, parsePaymentDetails, type PaymentDetails } from "./gateway-codes.js";
export { defaultMaxXmlBytes, parseGatewayXml, type GatewayXmlOptions, type XmlNode, type XmlValue } from "./xml-parser.js";
export { BusinessNotice, OrderInfo, OrdersListResponse, PayResult, PaymentInfo, QueryResponse, RefundInfo, RefundQueryResponse, RefundResponse, VoidResponse } from "./response-schemas.js";
export {
  parsePayResult,
  shapePayResult,
  signedPayResult,
  verifyPayResult,
  type ParsePayResultOptions,
  type ParsedPayResult,
  type ShapedPayResult,
} from "./parse-pay-result.js";
export {
  classifyHttpStatus,
  classifyTransportError,
  type AmbiguousFailure,
  type AmbiguousReason,
  type GatewayFailure,
  type RetryableFailure,
  type RetryableReason,
} from "./gateway-failure.js";
export { assertNever, classifyPayResponse, type PayExpectation, type PayOutcome, type PayOutcomeKind } from "./pay-outcome.js";
export { classifyQueryResponse, settle, type QueryExpectation, type QueryOutcome, type Settlement, type UnclearOrder } from "./query-outcome.js";
export {
  isNoAttemptPlaceholder,
  readOrderAnswer,
  type AttemptResult,
  type OrderAnswer,
  type QueryAnswerSignature,
  type QueryAttempt,
  type QueryOrderExpectation,
} from "./query-answer.js";
export {
  approvalDetails,
  echoProblem,
  formatProblem,
  isPlainApproval,
  maxResultTextLength,
  resultFormats,
  type ResultExpectation,
  type SentOrder,
  type SignedResult,
} from "./result-fields.js";
export { classifyVoidResponse, type VoidExpectation, type VoidOutcome } from "./void-outcome.js";
export { classifyRefundResponse, type RefundExpectation, type RefundOutcome } from "./refund-outcome.js";
export { classifyRefundQueryResponse, type RefundQueryExpectation, type RefundQueryOutcome } from "./refund-query-outcome.js";
export { type FiledRefund, type RefundFacts, type RefundResult, refundEchoProblem, refundFormatProblem, refundFormats } from "./refund-fields.js";
export { readRefundList, type ListedRefund, type RefundListing } from "./refund-list.js";
export { gatewayOf, type DecisionOf, type GatewayDecision } from "./gateway-decision.js";
export { payOutcomeError, queryOutcomeError, refundOutcomeError, voidOutcomeError, type GatewayOutcomeError } from "./outcome-errors.js";
export { OceanpaymentClient, type OceanpaymentClientOptions, type OceanpaymentTimeouts } from "./oceanpayment-client.js";
export { askGateway, queryOrder, type GatewayView } from "./order-query.js";
export { askGatewayAboutRefund, queryRefundState, type RefundedPayment, type RefundQueryObserver, type RefundState } from "./refund-query.js";
export { refundResolveDecision, resolveDecision, type RefundView, type ResolveDecision, type Resolution } from "./payment-resolution.js";
export {
  noticeDecision,
  payAnswerDecision,
  sentOrderOf,
  settlementDecision,
  voidAnswerDecision,
  voidRacedSuccess,
  partialRefundType,
  refundAnswerDecision,
  refundListDecision,
  refundPaymentQueryDecision,
  refundQueryDecision,
  refundTypeFor,
  type RefundDecision,
  type RefundDecisionOf,
  type NoticeMismatch,
  type PaymentDecision,
  type PaymentDecisionOf,
  type StoreTerminal,
} from "./payment-changes.js";
export {
  businessNoticeFormatProblem,
  businessNoticeFormats,
  maxPushDetailsLength,
  noticeKindOf,
  refundNoticeTypes,
  riskNoticeTypes,
  shapeBusinessNotice,
  verifyBusinessNotice,
  type NoticeKind,
  type ShapedBusinessNotice,
} from "./business-notice.js";
export { businessNoticeMismatch, refundNoticeDecision, type BusinessNoticeMismatch, type RefundNoticeDecision } from "./refund-notice-changes.js";
