/**
 * Oceanpayment `payment_details` codes the client branches on. Codes marked assumed come from
 * docs/oceanpayment-wire.md and are kept here so that a correction is a one-line change.
 */
export const gatewayCodes = {
  approved: "80000",
  /** Time-out inside Oceanpayment: the outcome is unknown, settle by query. */
  timeoutUncertain: "80031",
  customerCancelled: "80101",
  riskDecline: "10000",
  wrongSignature: "20013",
  /** Same terminal, method and order number already succeeded within 30 days: query, never fail. */
  duplicateOrder: "20061",
  /** Void confirmation (assumed). */
  voided: "80102",
  /** Void refused because the order already succeeded (assumed). */
  alreadyPaid: "20070",
} as const;

/** Request validation codes: the request was refused as sent and retrying it cannot help. */
const validationRange = { first: 20001, last: 20055 } as const;

/** `code` and `message` of a `code:text` details value. */
export interface PaymentDetails {
  code: string;
  message: string;
}

/** Splits `80000:Transaction Approved` at the first colon; a value without one is all message. */
export function parsePaymentDetails(details: string): PaymentDetails {
  const match = /^\s*(\d+)\s*:(.*)$/s.exec(details);
  if (!match) return { code: "", message: details };
  return { code: match[1] ?? "", message: (match[2] ?? "").trim() };
}

/** 20001–20055 (20013 wrong signature included; 20061 duplicate order is outside the range). */
export function isRequestValidationCode(code: string): boolean {
  if (!/^\d{5}$/.test(code)) return false;
  const value = Number(code);
  return value >= validationRange.first && value <= validationRange.last && code !== gatewayCodes.duplicateOrder;
}
