import { z } from "zod";
import { Payment } from "../payments/payment.js";
import { paymentStatuses } from "../payments/payment-status.js";
import { Refund } from "../refunds/refund.js";
import { refundStatuses } from "../refunds/refund-status.js";

/**
 * Every event the contract publishes (webhooks, the live stream, the event log), as schemas: the
 * notifier's OpenAPI document describes webhook payloads with them (Standard Webhooks recommends
 * it), so that subscribers can generate types. One envelope, `{id, type, createdAt, data}`.
 */
const envelope = {
  id: z.string().describe("`evt_` + the stream id: unique, ordered; the `webhook-id` header and the SSE `id`"),
  createdAt: z.string().describe("ISO 8601"),
};

export const PaymentEventSchema = z.object({
  ...envelope,
  type: z.enum(paymentStatuses.map((s) => `payment.${s}` as const)),
  data: Payment,
});

export const RefundEventSchema = z.object({
  ...envelope,
  type: z.enum(refundStatuses.map((s) => `refund.${s}` as const)),
  data: Refund,
});

/** A chargeback, fraud, high-risk or dispute notice about a payment: it changes no status. */
export const RiskNotice = z.object({
  type: z.string().describe("The notice's kind (chargeback, fraud, high risk, dispute), as Oceanpayment names it"),
  status: z.string(),
  details: z.string(),
});

export const RiskNoticeEventSchema = z.object({
  ...envelope,
  type: z.literal("payment.risk_notice"),
  data: Payment.extend({ notice: RiskNotice }).describe("The payment as it stands, and the notice"),
});

const Totals = z.object({ currency: z.string(), count: z.number().int(), amount: z.string() });

/** The kinds a reconciliation run counts: its payments' and its refunds' (the ledger's `run.ts`). */
const discrepancyKinds = [
  "missing_here",
  "missing_there",
  "amount_mismatch",
  "status_mismatch",
  "refund_status_mismatch",
  "refund_amount_mismatch",
  "refund_missing_there",
] as const;

/**
 * One day compared with Oceanpayment (its list of successful orders, and each refund of the day),
 * for every terminal, as `reconciliation.completed` carries it: what matched and how many
 * discrepancies of each kind (the run itself: the ledger's `GET /v1/reconciliations/{id}`).
 */
export const Reconciliation = z.object({
  id: z.string(),
  date: z.string().describe("YYYY-MM-DD"),
  timeZone: z.string(),
  partial: z.boolean().describe("The day had not ended when it ran"),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  matched: z.array(Totals.extend({ account: z.string(), terminal: z.string() })).describe("Charges matched, per terminal and currency"),
  discrepancies: z.object(Object.fromEntries(discrepancyKinds.map((kind) => [kind, z.number().int()])) as Record<(typeof discrepancyKinds)[number], z.ZodNumber>),
});

export const ReconciliationEventSchema = z.object({
  ...envelope,
  type: z.literal("reconciliation.completed"),
  data: Reconciliation,
});

/** Sent by `POST /v1/subscriptions/{id}/test` only. */
export const TestEventSchema = z.object({
  ...envelope,
  type: z.literal("webhook.test"),
  data: z.object({ subscriptionId: z.string() }),
});

/** Any event of the stream and the log (the live stream and `GET /v1/events` carry these). */
export const StreamEventSchema = z.union([PaymentEventSchema, RefundEventSchema, RiskNoticeEventSchema, ReconciliationEventSchema]);

/** Each webhook event type and the schema of its body. */
export const webhookEventSchemas: ReadonlyArray<{ type: string; schema: z.ZodType; id: string }> = [
  ...paymentStatuses.map((s) => ({ type: `payment.${s}`, schema: PaymentEventSchema, id: "PaymentEvent" })),
  { type: "payment.risk_notice", schema: RiskNoticeEventSchema, id: "RiskNoticeEvent" },
  ...refundStatuses.map((s) => ({ type: `refund.${s}`, schema: RefundEventSchema, id: "RefundEvent" })),
  { type: "reconciliation.completed", schema: ReconciliationEventSchema, id: "ReconciliationEvent" },
  { type: "webhook.test", schema: TestEventSchema, id: "TestEvent" },
];
