import { z } from "zod";

/**
 * Shapes of the gateway documents (docs/oceanpayment-wire.md), applied to `parseGatewayXml` output.
 * Every value stays a string. Elements the wire page marks "present, empty when unknown" default to
 * `""` when missing: a missing signed element hashes as `""` anyway, so leniency there cannot let a
 * forged value through, while a missing core element (status, order number) fails the parse.
 */
const text = z.string();
const optionalText = z.string().default("");

/** The synchronous pay response and the asynchronous transaction notice (`notice_type` only there). */
export const PayResult = z.object({
  account: text,
  terminal: text,
  signValue: text,
  order_number: text,
  order_currency: optionalText,
  order_amount: optionalText,
  order_notes: optionalText,
  card_number: optionalText,
  payment_id: optionalText,
  payment_authType: optionalText,
  payment_status: text,
  payment_details: optionalText,
  payment_risk: optionalText,
  methods: optionalText,
  pay_barCode: optionalText,
  notice_type: z.string().optional(),
});
export type PayResult = z.infer<typeof PayResult>;

/**
 * One `paymentInfo` of a query answer, as Oceanpayment publishes it (query-answer.xml): one per
 * attempt, each with its own account, terminal and signValue. The lists (`refundList`…) may hold
 * elements and are not read; unknown extra elements (`networkToken`, `order_sourceUrl`…) are dropped.
 */
export const PaymentInfo = z.object({
  account: optionalText,
  terminal: optionalText,
  signValue: optionalText,
  order_number: text,
  order_currency: optionalText,
  order_amount: optionalText,
  order_notes: optionalText,
  methods: optionalText,
  payment_id: optionalText,
  payment_results: optionalText,
  payment_details: optionalText,
  payment_risk: optionalText,
  payment_dateTime: optionalText,
  payment_debitTime: optionalText,
  pay_barCode: optionalText,
  auth_status: optionalText,
  refund_status: optionalText,
  refundList: z.unknown().optional(),
  chargeBack_status: optionalText,
  chargeBackList: z.unknown().optional(),
  duplicate_status: optionalText,
  transactionList: z.unknown().optional(),
  update_status: optionalText,
});
export type PaymentInfo = z.infer<typeof PaymentInfo>;

/** Coerces one element to a one-item array, so a single attempt is never mistaken for an object. */
const asArray = (value: unknown): unknown => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Query answer: `paymentInfo` elements, each shaped on its own (one odd attempt must not hide the
 * other orders of a 100-order answer). A refused query has `query_status` `0` and `query_details`
 * `200xx:reason` instead (assumed: unpublished).
 */
export const QueryResponse = z.object({
  query_status: z.string().optional(),
  query_details: optionalText,
  paymentInfo: z.preprocess(asArray, z.array(z.unknown())),
});
export type QueryResponse = z.infer<typeof QueryResponse>;

/** Void answer (assumed): `void_status` `1` voided, `0` refused. */
export const VoidResponse = z.object({
  account: optionalText,
  terminal: optionalText,
  order_number: optionalText,
  payment_authType: optionalText,
  void_status: text,
  void_details: optionalText,
});
export type VoidResponse = z.infer<typeof VoidResponse>;

/** Refund answer (assumed): `refund_results` `1` accepted (not yet paid out), `0` refused. */
export const RefundResponse = z.object({
  account: optionalText,
  terminal: optionalText,
  payment_id: optionalText,
  refund_number: optionalText,
  refund_id: optionalText,
  refund_results: text,
  refund_details: optionalText,
});
export type RefundResponse = z.infer<typeof RefundResponse>;

/**
 * One `<orderInfo>` of a QueryOrdersList answer (query-orders-list-answer.xml): a successful
 * charge. Every element is required: a line without one is not a charge we can compare.
 */
export const OrderInfo = z.object({
  account: text,
  terminal: text,
  payment_id: text,
  order_number: text,
  order_currency: text,
  order_amount: text,
  methods: text,
  payment_dateTime: text,
});
export type OrderInfo = z.infer<typeof OrderInfo>;

/**
 * QueryOrdersList answer: the signed header (`results` `00` success; a refusal has another code,
 * an empty signValue and no lines, assumed) and the page's `orderInfo` lines, each shaped on its own.
 */
export const OrdersListResponse = z.object({
  account: text,
  terminal: text,
  signValue: optionalText,
  results: text,
  details: optionalText,
  count: text,
  totalpages: text,
  pages: text,
  orderInfo: z.preprocess(asArray, z.array(z.unknown())),
});
export type OrdersListResponse = z.infer<typeof OrdersListResponse>;

/**
 * queryRefund answer (assumed, signed: `refundQueryAnswer`), one flat document; a refused query
 * has the query's refusal shape instead (`query_status` `0`, `query_details`), so every element is
 * optional here and the reader decides which of the two it got.
 */
export const RefundQueryResponse = z.object({
  query_status: z.string().optional(),
  query_details: optionalText,
  account: optionalText,
  terminal: optionalText,
  signValue: optionalText,
  order_number: optionalText,
  payment_id: optionalText,
  refund_id: optionalText,
  refund_number: optionalText,
  refund_type: optionalText,
  refund_amount: optionalText,
  refund_currency: optionalText,
  refund_status: optionalText,
  refund_details: optionalText,
});
export type RefundQueryResponse = z.infer<typeof RefundQueryResponse>;

/** One `refundInfo` of a query answer's `refundList` (assumed content, unsigned): a refund filed against the attempt. */
export const RefundInfo = z.object({
  refund_id: text,
  refund_number: optionalText,
  refund_type: optionalText,
  refund_amount: text,
  refund_status: text,
  refund_details: optionalText,
});
export type RefundInfo = z.infer<typeof RefundInfo>;

/** A `refundList`: empty (`<refundList />`), or `refundInfo` elements (always an array: `arrayPaths`). */
export const RefundList = z.union([z.literal(""), z.object({ refundInfo: z.array(z.unknown()) })]);

/**
 * A business notice (refund and risk notices, `business-notice.ts`): the published list of
 * elements, its order's elements read as in a payment result. Elements that may be empty default
 * to `""`; the ones every notice names (account, terminal, signValue, order_number, notice_type,
 * push_status) must be there.
 */
export const BusinessNotice = PayResult.pick({
  account: true,
  terminal: true,
  signValue: true,
  order_number: true,
  order_currency: true,
  order_amount: true,
  order_notes: true,
  payment_id: true,
}).extend({
  refund_number: optionalText,
  refund_reference: optionalText,
  notice_type: text,
  push_status: text,
  push_details: optionalText,
  push_id: optionalText,
  push_dateTime: optionalText,
  payment_dateTime: optionalText,
  payment_debitTime: optionalText,
  payment_cpdTime: optionalText,
  card_type: optionalText,
  card_country: optionalText,
});
export type BusinessNotice = z.infer<typeof BusinessNotice>;
