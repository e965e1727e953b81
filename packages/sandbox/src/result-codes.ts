/**
 * Every `code:text` the sandbox answers, in one table. Codes marked *(assumed)* on the wire page
 * (docs/oceanpayment-wire.md) live here only, so a correction from Oceanpayment is a one-line change.
 * Validation codes stay inside the documented 20001–20055 range ("not retryable") and are distinct,
 * so a test or a client log names the exact rule that failed.
 */
export const resultCodes = {
  // Outcomes of a transaction.
  approved: { code: "80000", text: "Transaction Approved" },
  /** customer_scan: the QR is shown, the customer has not paid yet. */
  awaitingCustomer: { code: "80100", text: "Waiting for the customer" },
  /** merchant_scan: the wallet asks the customer to confirm (payment codes ending in 7 or 9). */
  awaitingConfirmation: { code: "80700", text: "Waiting for the customer to confirm" },
  customerCancelled: { code: "80101", text: "Customer cancelled" },
  /** *(assumed code)* A voided attempt, in query, notice and void response alike. */
  voided: { code: "80102", text: "Order voided" },
  /** Payment codes ending in 8. */
  riskDeclined: { code: "10000", text: "Risk declined" },
  /** The order already has a successful attempt (or another attempt of it just succeeded). */
  duplicateOrder: { code: "20061", text: "Duplicate order" },

  // Request validation (20001–20055).
  missingCredentials: { code: "20001", text: "Missing account or terminal" },
  invalidAccount: { code: "20002", text: "Invalid account" },
  unknownTerminal: { code: "20003", text: "Unknown terminal" },
  invalidOrderNumber: { code: "20005", text: "Invalid order_number" },
  invalidCurrency: { code: "20006", text: "Invalid order_currency" },
  invalidAmount: { code: "20007", text: "Invalid order_amount" },
  invalidMethods: { code: "20008", text: "Invalid methods" },
  invalidPaymentCode: { code: "20009", text: "Invalid pay_accountNumber" },
  invalidNoticeUrl: { code: "20010", text: "Invalid noticeUrl" },
  invalidBilling: { code: "20011", text: "Invalid billing field" },
  badSignature: { code: "20013", text: "Signature error" },
  tooManyOrderNumbers: { code: "20014", text: "Too many order numbers" },
  invalidAuthType: { code: "20015", text: "Invalid payment_authType" },
  invalidRefund: { code: "20016", text: "Invalid refund field" },
  unknownPaymentId: { code: "20017", text: "Unknown payment_id" },
  refundExceedsCapture: { code: "20018", text: "Refund exceeds the captured amount" },

  // Void and refund answers *(assumed codes)*.
  alreadyPaid: { code: "20070", text: "Order already paid" },
  orderNotFound: { code: "20071", text: "Order not found" },
  orderClosed: { code: "20072", text: "Order already closed" },
  refundAccepted: { code: "80000", text: "Refund request accepted" },
} as const satisfies Record<string, { code: string; text: string }>;

export type ResultCode = (typeof resultCodes)[keyof typeof resultCodes];

/** `code:text`, the shape of `payment_details`, `void_details`, `query_details`, `refund_details`. */
export function details(result: ResultCode): string {
  return `${result.code}:${result.text}`;
}
