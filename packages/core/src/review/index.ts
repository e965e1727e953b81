export { PaymentReview, type PaymentReviewOptions, type ResolveOutcome, type ReviewTarget } from "./payment-review.js";
export { GatewayUnavailableError, InvalidStateError, ResolutionRefusedError } from "./review-errors.js";
export { OrderNumberParams, RefundParams, ResolveRequest, StoreQuery, registerReviewRoutes, type ReviewRoutesOptions } from "./review-routes.js";
export {
  AmbiguousOrderNumberError,
  archivedPaymentOf,
  archivedPaymentSql,
  operatorPayment,
  refOf,
  storePayment,
  type ArchivedPayment,
  type FoundPayment,
  type PaymentArchiveReader,
  type PaymentLookup,
  type PaymentTarget,
} from "./payment-lookup.js";
