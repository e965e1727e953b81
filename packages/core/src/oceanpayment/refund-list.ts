import { type PaymentDetails, parsePaymentDetails } from "./gateway-codes.js";
import { type RefundResult, refundFormatProblem, refundResultOf } from "./refund-fields.js";
import { RefundInfo, RefundList } from "./response-schemas.js";

/** One refund filed against an attempt, as a query answer's `refundList` shows it (unsigned). */
export interface ListedRefund {
  refundId: string;
  /** Ours, as filed (`""` for a refund filed without one). */
  refundNumber: string;
  /** Decimal string as received. */
  amount: string;
  result: RefundResult;
  details: PaymentDetails;
}

/**
 * An attempt's refunds: every one filed against it, whatever its status (how a payer whose
 * applyRefund answer was lost finds out whether it was filed), or `unreadable` when any entry is
 * not in its strict format: a list that cannot be read whole says nothing, least of all "not filed".
 */
export type RefundListing = { readable: true; refunds: ListedRefund[] } | { readable: false; problem: string };

/** Path of `refundInfo` for the XML reader (always an array, even for one refund). */
export const refundInfoArrayPath = "response.paymentInfo.refundList.refundInfo";

/** Reads a paymentInfo's `refundList` (absent or empty: no refund); amounts are in `currency`. */
export function readRefundList(value: unknown, currency: string): RefundListing {
  const list = RefundList.safeParse(value ?? "");
  if (!list.success) return { readable: false, problem: "refundList has an unexpected shape" };
  if (list.data === "") return { readable: true, refunds: [] };
  const refunds: ListedRefund[] = [];
  for (const element of list.data.refundInfo) {
    const info = RefundInfo.safeParse(element);
    if (!info.success) return { readable: false, problem: "refundInfo has an unexpected shape" };
    const malformed = refundFormatProblem(info.data, currency);
    if (malformed !== undefined) return { readable: false, problem: `refundInfo ${malformed} is not in its format` };
    const { refund_id, refund_number, refund_amount, refund_status, refund_details } = info.data;
    refunds.push({ refundId: refund_id, refundNumber: refund_number, amount: refund_amount, result: refundResultOf(refund_status), details: parsePaymentDetails(refund_details) });
  }
  return { readable: true, refunds };
}
