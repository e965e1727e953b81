export { PaymentReview, type PaymentReviewOptions, type ResolveOutcome, type ReviewTarget } from "./payment-review.js";
export { GatewayUnavailableError, InvalidStateError, ResolutionRefusedError } from "./review-errors.js";
export { OrderNumberParams, RefundParams, ResolveRequest, StoreQuery, registerReviewRoutes, type ReviewRoutesOptions } from "./review-routes.js";
