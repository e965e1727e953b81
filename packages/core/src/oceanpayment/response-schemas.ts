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
