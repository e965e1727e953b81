/**
 * The emulator's own table of Oceanpayment signature field orders: the values of these fields are
 * concatenated in this order, with no separator, then the terminal's secureCode, and hashed with
 * SHA-256. Deliberately NOT the client's table (`@oceanpos/core/oceanpayment`): the emulator and the
 * client meet only on the wire, so a wrong order on either side fails a test instead of agreeing
 * with itself. Every published order here is checked against Oceanpayment's vectors in
 * `signature.test.ts` (source: docs/oceanpayment-wire.md, "Signatures").
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
} as const satisfies Record<string, readonly string[]>;

export type SignedDocument = keyof typeof signatureOrders;
