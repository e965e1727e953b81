/**
 * The emulator's own table of Oceanpayment signature field orders: the values of these fields are
 * concatenated in this order, with no separator, then the terminal's secureCode, and hashed with
 * SHA-256. Deliberately NOT the client's table (`@oceanpos/core/oceanpayment`): the emulator and the
 * client meet only on the wire, so a wrong order on either side fails a test instead of agreeing
 * with itself. Every published order here is checked against Oceanpayment's vectors in
 * `signature.test.ts` (source: docs/oceanpayment-wire.md, "Signatures"). The orders of what the
 * sandbox sends and Oceanpayment does not publish are marked *(assumed)*: this file is the one
 * place each is chosen.
 */
export const signatureOrders = {
  /** `POST /gateway/directservice/pay` (reproduces the documented sample's vector). */
  payRequest: ["account", "terminal", "order_number", "order_currency", "order_amount", "billing_firstName", "billing_lastName", "billing_email"],
  /** The synchronous pay answer and the transaction notice (every official plugin verifies this order). */
  paymentResult: [
    "account",
    "terminal",
    "order_number",
    "order_currency",
    "order_amount",
    "order_notes",
    "card_number",
    "payment_id",
    "payment_authType",
    "payment_status",
    "payment_details",
    "payment_risk",
  ],
  /** `POST /service/check/normal` (Postman vector). */
  queryRequest: ["account", "terminal", "order_number"],
  /**
   * One `<paymentInfo>` of the query answer. *(assumed)*: Oceanpayment does not publish this string;
   * this is the order agreed with the client side, kept here and nowhere else.
   */
  queryAnswer: [
    "account",
    "terminal",
    "order_number",
    "order_currency",
    "order_amount",
    "order_notes",
    "payment_id",
    "payment_results",
    "payment_details",
    "payment_risk",
  ],
  /** `POST /gateway/service/auth` with payment_authType=3, the offline void (Postman vector). */
  voidRequest: ["account", "terminal", "order_number", "payment_authType"],
  /** `POST /service/applyRefund` (Postman vector and its helper row): no refund_number. */
  refundRequest: ["account", "terminal", "payment_id", "refund_type", "refund_amount", "refund_description"],
  /** `POST /service/queryRefund` (Postman vector). */
  refundQueryRequest: ["account", "terminal", "refund_id"],
  /** `POST /service/QueryOrdersList`, successful orders (Postman vector). */
  successfulOrdersRequest: ["account", "terminal", "order_beginDate", "order_endDate"],
  /** `POST /service/BusinessOrdersList` (Postman vector). */
  businessOrdersRequest: ["account", "terminal", "order_beginDate", "order_endDate", "pages"],
  /**
   * The queryRefund answer. *(assumed)*: neither the answer nor its string is published. The status
   * is one character between a currency and a `code:text`, so no boundary shift can forge one.
   */
  refundQueryAnswer: [
    "account",
    "terminal",
    "order_number",
    "payment_id",
    "refund_id",
    "refund_number",
    "refund_amount",
    "refund_currency",
    "refund_status",
    "refund_details",
  ],
  /**
   * Refund notices (`notice_type` refund / partialRefund). *(assumed)*: the string is not published.
   * push_status (one character) follows push_id, the gateway's digits: taking a `1` from push_id
   * changes the refund it names, and the leftover digit breaks push_details' `NNNNN:` code.
   */
  refundNotice: [
    "account",
    "terminal",
    "order_number",
    "order_currency",
    "order_amount",
    "payment_id",
    "refund_number",
    "notice_type",
    "push_id",
    "push_status",
    "push_details",
  ],
  /**
   * The QueryOrdersList answer. *(assumed)*: not published. Oceanpayment's answer carries one
   * signValue above its orderInfo lines; this string covers that header only, not the lines.
   */
  ordersListAnswer: ["account", "terminal", "results", "details", "count", "totalpages", "pages"],
} as const satisfies Record<string, readonly string[]>;

export type SignedDocument = keyof typeof signatureOrders;
