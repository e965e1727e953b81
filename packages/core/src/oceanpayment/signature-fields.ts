/**
 * The order in which each Oceanpayment message's field values are concatenated before the
 * terminal's secureCode is appended and the whole is hashed (SHA-256). One table, so that an
 * order the documentation leaves unconfirmed is a one-line change. Sources: docs/oceanpayment-wire.md.
 */
export const signatureFields = {
  /** `POST /gateway/directservice/pay`. Best evidence (direct-API integrations); unconfirmed for POS. */
  payRequest: [
    "account",
    "terminal",
    "order_number",
    "order_currency",
    "order_amount",
    "billing_firstName",
    "billing_lastName",
    "billing_email",
  ],
  /** Hosted pay (`service/pay`): reference only, confirmed by every official plugin. */
  hostedPayRequest: [
    "account",
    "terminal",
    "backUrl",
    "order_number",
    "order_currency",
    "order_amount",
    "billing_firstName",
    "billing_lastName",
    "billing_email",
  ],
  /** The synchronous pay response and the asynchronous transaction notice (confirmed). */
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
  /** `POST /service/check/normal` (reproduces the Postman collection's vector). */
  queryRequest: ["account", "terminal", "order_number"],
  /**
   * Each `paymentInfo` of a query answer. **Assumed**: Oceanpayment does not publish this sign
   * string. The payment-result order without card_number and payment_authType, with
   * `payment_results` for `payment_status`; how much it is trusted is the client's
   * `queryAnswerSignature` mode (`optional` by default), so a wrong guess cannot stop settlement.
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
  /**
   * `POST /service/applyRefund` (reproduces the Postman collection's vector and its helper row).
   * No refund_number: it is sent as an unsigned extra field.
   */
  refundRequest: ["account", "terminal", "payment_id", "refund_type", "refund_amount", "refund_description"],
  /** `POST /service/queryRefund` (reproduces the Postman collection's vector). */
  refundQueryRequest: ["account", "terminal", "refund_id"],
  /**
   * The queryRefund answer. **Assumed** (neither the answer nor its string is published): the
   * status is one character between a currency and a `code:text`, so no boundary shift makes one.
   * How much it is trusted is the client's `queryAnswerSignature` mode, as for the query answer.
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
  /** `POST /gateway/service/auth` with payment_authType=3, void an offline order (reproduces the vector). */
  voidRequest: ["account", "terminal", "order_number", "payment_authType"],
  /** `POST /service/QueryOrdersList`, the gateway's successful orders (reproduces the vector). */
  queryOrdersList: ["account", "terminal", "order_beginDate", "order_endDate"],
  /** `POST /service/BusinessOrdersList` (reproduces the vector). */
  businessOrdersList: ["account", "terminal", "order_beginDate", "order_endDate", "pages"],
  /**
   * The QueryOrdersList answer's one `signValue`. **Assumed**: Oceanpayment does not publish this
   * string. The header above the `orderInfo` lines, in the answer's order (signValue left out);
   * the lines are not covered, so a reader checks them against the header (`ordersListAnswer`
   * of the emulator, docs/oceanpayment-wire.md). Replace this line when the string is known.
   */
  ordersListAnswer: ["account", "terminal", "results", "details", "count", "totalpages", "pages"],
  /**
   * Business notices: refund notices (`notice_type` `refund` / `partialRefund`) and the other
   * business notices (chargeBack, fraud, highRisk…), one document. **Assumed**: Oceanpayment
   * does not publish this sign string (docs/oceanpayment-wire.md, "Refund notices"). The order
   * agreed with the sandbox's own table (`refundNotice` there). Every field but push_details is
   * pinned (echoed or matched exactly) and push_status is one character between push_id's digits
   * and push_details' `NNNNN:`, so no boundary shift can change the status. A notice this string
   * does not verify is only a hint that makes the payer query the refund (a risk notice is
   * dropped), so a wrong guess delays settlement but never loses or forges it.
   */
  businessNotice: [
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
} as const satisfies Record<string, readonly string[]>;

export type SignedMessage = keyof typeof signatureFields;
