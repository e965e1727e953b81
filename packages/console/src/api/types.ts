/** The public API's resources as the console reads them (docs/api.md); money is always a decimal string. */

export const paymentStatuses = ["accepted", "submitting", "awaiting_customer", "pending", "succeeded", "failed", "voided", "needs_review"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];
export const refundStatuses = ["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"] as const;
export type RefundStatus = (typeof refundStatuses)[number];
export const paymentMethods = ["WeChatPay_Offline", "Alipay_Offline"] as const;

export interface HistoryEntry {
  status: string;
  at: string;
  source: string;
  code?: string;
  reason?: string;
  paymentId?: string;
  operator?: string;
}

export interface Payment {
  orderNumber: string;
  storeId: string;
  mode: string;
  method: string;
  amount: string;
  currency: string;
  refundedAmount?: string;
  refundableAmount?: string;
  status: PaymentStatus;
  version: number;
  paymentId?: string;
  gateway?: { code: string; message: string };
  notes?: string;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

export interface Refund {
  refundNumber: string;
  orderNumber: string;
  storeId: string;
  amount: string;
  currency: string;
  reason?: string;
  status: RefundStatus;
  version: number;
  refundId?: string;
  gateway?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PipelineEvent {
  id: string;
  type: string;
  createdAt: string;
  data: { orderNumber?: string; storeId?: string; refundNumber?: string; status?: string; version?: number };
}

export interface Subscription {
  id: string;
  url: string;
  events: string[];
  storeIds: string[] | null;
  enabled: boolean;
  description?: string;
  secret?: string;
  previousSecretExpiresAt?: string | null;
}

export interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  outcome: "delivered" | "retrying" | "dead_lettered" | "gone" | "skipped";
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextTryAt: string | null;
  deadLettered: boolean;
  at: string;
}

export interface DeadLetter {
  eventId: string;
  type: string;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  at: string;
}

export interface TestDelivery {
  eventId: string;
  delivered: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  error?: string;
}
