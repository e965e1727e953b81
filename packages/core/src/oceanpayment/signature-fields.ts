/**
 * The order in which each Oceanpayment message's field values are concatenated before the
 * terminal's secureCode is appended and the whole is hashed (SHA-256). One table, so that an
 * order the documentation leaves unconfirmed is a one-line change. Sources: shared/oceanpayment.md.
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
  /** `POST /service/check/normal`. */
  queryRequest: ["account", "terminal", "order_number"],
  /** `POST /service/applyRefund`. */
  refundRequest: [
    "account",
    "terminal",
    "payment_id",
    "refund_number",
    "refund_type",
    "refund_amount",
    "refund_description",
  ],
  /** `POST /service/queryRefund`. */
  refundQueryRequest: ["account", "terminal", "refund_id"],
  /** `POST /gateway/service/auth` with payment_authType=3 (void an offline order). */
  voidRequest: ["account", "terminal", "order_number", "payment_authType"],
} as const satisfies Record<string, readonly string[]>;

export type SignedMessage = keyof typeof signatureFields;
