import { z } from "zod";
import { paymentStatuses } from "../payments/payment-status.js";
import { riskNoticeEventType } from "../payments/risk-notice.js";
import { refundStatuses } from "../refunds/refund-status.js";
import { outboxEventTypes } from "./event-outbox.js";

/**
 * What a subscriber may ask for: one type (`payment.succeeded`, `payment.risk_notice`,
 * `refund.failed`), every payment event (risk notices included) or refund event (`payment.*`,
 * `refund.*`), the reconciliation's (`reconciliation.completed`) or everything (`*`). Kept narrow
 * on purpose: a typo such as `payment.sucess` is a 400 rather than a subscription that silently
 * never fires.
 */
export const eventPatterns: readonly string[] = [
  "*",
  "payment.*",
  ...paymentStatuses.map((s) => `payment.${s}`),
  riskNoticeEventType,
  "refund.*",
  ...refundStatuses.map((s) => `refund.${s}`),
  ...outboxEventTypes,
];

export const EventPattern = z
  .string({ error: "must be a string" })
  .refine((p) => eventPatterns.includes(p), `must be one of: ${eventPatterns.join(", ")}`);
export type EventPattern = z.infer<typeof EventPattern>;

/** True when `type` (e.g. `payment.failed`) is selected by one of `patterns`. */
export function matchesEventPattern(patterns: readonly string[], type: string): boolean {
  for (const pattern of patterns) {
    if (pattern === "*" || pattern === type) return true;
    if (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
