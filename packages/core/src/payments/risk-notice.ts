import type { Payment } from "./payment.js";

/** The event of a business notice about a payment that is neither a transaction nor a refund. */
export const riskNoticeEventType = "payment.risk_notice";

/**
 * What Oceanpayment said in a chargeback, fraud, high-risk or dispute notice (any business
 * notice that is not a refund), as the gateway wrote it.
 */
export interface RiskNotice {
  /** `notice_type`: `chargeBack`, `fraud`, `highRisk`, `retrieval`… */
  type: string;
  /** `push_status`: `0` failed, `1` succeeded, `2` in dispute. */
  status: string;
  /** `push_details` split at its colon (`{"code": "", "message": ""}` when empty). */
  details: { code: string; message: string };
  /** `push_id`, the gateway's id of the case (may be empty). */
  id: string;
  /** `payment_id`: the charge it is about. */
  paymentId: string;
  /** `push_dateTime`, in the gateway's zone, as sent. */
  pushedAt: string;
}

/**
 * `data` of a `payment.risk_notice` event: the payment as it stood when the notice came, and the
 * notice. `orderNumber` and `storeId` at the top, as every event's data has them (subscriptions,
 * the live stream and the ledger filter on them).
 */
export interface RiskNoticeData {
  orderNumber: string;
  storeId: string;
  payment: Payment;
  notice: RiskNotice;
}

export interface RiskNoticeEvent {
  id: string;
  type: typeof riskNoticeEventType;
  createdAt: string;
  data: RiskNoticeData;
}
