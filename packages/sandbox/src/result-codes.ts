/**
 * Every `code:text` the emulator answers, in two tables. `publishedCodes` carry Oceanpayment's own
 * meaning and text, with the source; `assumedCodes` are the emulator's answers to situations for
 * which no public source was found: each is an assumption (docs/oceanpayment-wire.md lists them),
 * kept here only, so a correction from Oceanpayment is a one-line change. A published code is never
 * given another meaning.
 *
 * Sources: [dev] Oceanpayment developer docs, payment response codes (dev.oceanpayment.com
 * /docs/response-code/payment): 20001–20054. [help] Oceanpayment help center, "cross-border payment
 * response codes reference guide" (xlsx attachment; public copy in github
 * keaton1167/oceanpayment-help-center): 80000, 80101, 10000, 20061. [f2f] the face-to-face spec sample.
 */
export const publishedCodes = {
  /** [help][f2f] */
  approved: { code: "80000", text: "Transaction Approved" },
  /** [help] The customer refused in the wallet (`POST /sandbox/scan` with `failed`). */
  customerCancelled: { code: "80101", text: "Customer canceled transaction" },
  /** [help] High-risk decline (payment codes ending in 8). */
  riskDeclined: { code: "10000", text: "Payment is declined" },
  /** [help] Same terminal, method and order number already succeeded within 30 days. */
  duplicateOrder: { code: "20061", text: "Duplicate order" },

  // [dev] Request validation.
  accountEmpty: { code: "20001", text: "Account cannot be empty" },
  terminalEmpty: { code: "20002", text: "Terminal cannot be empty" },
  signValueEmpty: { code: "20003", text: "signValue cannot be empty" },
  /** Also an unknown terminal, or an account that is not 6 characters: no such pair exists. */
  accountTerminalMismatch: { code: "20004", text: "Account and terminal not match" },
  badSignature: { code: "20013", text: "Incorrect sign value" },
  orderNumberEmpty: { code: "20017", text: "Order number can not be empty" },
  orderNumberTooLong: { code: "20018", text: "Order number cannot exceed 50 digits" },
  amountEmpty: { code: "20019", text: "Order amount cannot be empty" },
  /** Not a decimal with at most 2 decimals, or longer than 10 characters. */
  amountFormat: { code: "20020", text: "Incorrect order amount format" },
  /** Zero, or more decimals than the currency has (JPY 12.50). */
  amountInvalid: { code: "20021", text: "Transaction amount is invalid" },
  currencyEmpty: { code: "20022", text: "Order currency can not be empty" },
  currencyInvalid: { code: "20023", text: "Incorrect order currency" },
  /** Applied to `noticeUrl` *(assumed field: the table names a "response URL")*. */
  noticeUrlTooLong: { code: "20025", text: "Response URL can not exceed 500 digits" },
  firstNameEmpty: { code: "20044", text: "First name cannot be empty" },
  firstNameTooLong: { code: "20045", text: "First name exceeds length limit" },
  lastNameEmpty: { code: "20046", text: "Last name cannot be empty" },
  lastNameTooLong: { code: "20047", text: "Last name cannot exceed 50 characters" },
  emailEmpty: { code: "20048", text: "Billing email cannot be empty" },
  emailTooLong: { code: "20049", text: "Billing email cannot exceed 50 characters" },
  emailFormat: { code: "20050", text: "Incorrect email address format" },
  phoneTooLong: { code: "20052", text: "Contact number cannot exceed 50 characters" },
  countryTooLong: { code: "20054", text: "Billing country cannot exceed 100 characters" },
} as const satisfies Record<string, { code: string; text: string }>;

/** *(assumed)* No public source: codes and texts are the emulator's own. */
export const assumedCodes = {
  /** A voided attempt, in the void answer, the query and the notice. */
  voided: { code: "80102", text: "Order voided" },
  alreadyPaid: { code: "20070", text: "Order already paid" },
  orderNotFound: { code: "20071", text: "Order not found" },
  orderClosed: { code: "20072", text: "Order already closed" },
  /** customer_scan with a method other than WeChatPay_Offline / Alipay_Offline, or one contradicting the code. */
  invalidMethods: { code: "20073", text: "Invalid methods" },
  /** merchant_scan with a code of neither wallet. */
  invalidPaymentCode: { code: "20074", text: "Invalid pay_accountNumber" },
  /** productName/productSku/productPrice/productNum with different counts of `;`-joined values, or a bad price or quantity. */
  invalidProducts: { code: "20075", text: "Inconsistent product fields" },
  /** More than 100 order numbers in one query. */
  tooManyOrderNumbers: { code: "20076", text: "Too many order numbers" },
  /** An order number with a comma (the query's separator) or a control character. */
  invalidOrderNumber: { code: "20077", text: "Invalid order_number" },
  /** A void whose payment_authType is not 3. */
  invalidAuthType: { code: "20078", text: "Invalid payment_authType" },
  invalidRefund: { code: "20079", text: "Invalid refund field" },
  unknownPaymentId: { code: "20080", text: "Unknown payment_id" },
  /** More than what is left of the charge (pending and succeeded refunds count; failed ones do not), or nothing charged. */
  refundExceedsCapture: { code: "20081", text: "Refund exceeds the captured amount" },
  /** queryRefund: no refund with this refund_id on the asking terminal. */
  unknownRefundId: { code: "20082", text: "Unknown refund_id" },
  /** QueryOrdersList: a date that is not `yyyy-mm-dd HH:mm:ss` (or no such time), or begin after end. */
  invalidDateRange: { code: "20083", text: "Invalid order date range" },
  /** QueryOrdersList: order_beginDate before the last six months. */
  dateRangeTooOld: { code: "20084", text: "Only the last six months can be queried" },
  /** QueryOrdersList: `pages` that is not a whole number. */
  invalidPages: { code: "20085", text: "Invalid pages" },
  /** A refund that waited for the balance until it was failed (`POST /sandbox/refunds/{refundId}/fail`). */
  refundFailedBalance: { code: "80103", text: "Refund failed: insufficient balance" },
} as const satisfies Record<string, { code: string; text: string }>;

export const resultCodes = { ...publishedCodes, ...assumedCodes };

export type ResultCode = (typeof resultCodes)[keyof typeof resultCodes];

/** `code:text`, the shape of `payment_details`, `void_details`, `query_details`, `refund_details`, `push_details`. */
export function details(result: ResultCode): string {
  return `${result.code}:${result.text}`;
}
