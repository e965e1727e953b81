/**
 * Billing names and email are signed (`payRequest`) and sent. Oceanpayment's plugins strip
 * `" < > '`, trim and cut to 50 characters before signing; the gateway hashes what it receives, so
 * the one normalised string must be both signed and sent, or the signature breaks (20013).
 */

/** Billing data of a pay request; matches the stores file `billing` block. */
export interface PayBilling {
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  country?: string;
  state?: string;
  city?: string;
  address?: string;
  zip?: string;
  ip?: string;
}

/** Longest value Oceanpayment accepts for a billing name or email. */
export const billingTextMaxLength = 50;

const forbidden = /["<>']/g;

/**
 * Strips `" < > '`, trims, and keeps at most 50 characters (code points, so that an emoji is never
 * cut in half into an invalid UTF-8 sequence), trimming again in case the cut ends on a space.
 */
export function normalizeBillingText(value: string): string {
  const stripped = value.replace(forbidden, "").trim();
  const codePoints = Array.from(stripped);
  if (codePoints.length <= billingTextMaxLength) return stripped;
  return codePoints.slice(0, billingTextMaxLength).join("").trimEnd();
}

/** The billing block with its signed fields normalised and the optional ones defaulted to `""`. */
export function normalizeBilling(billing: PayBilling): Required<PayBilling> {
  return {
    firstName: normalizeBillingText(billing.firstName),
    lastName: normalizeBillingText(billing.lastName),
    email: normalizeBillingText(billing.email),
    phone: billing.phone ?? "",
    country: billing.country ?? "",
    state: billing.state ?? "",
    city: billing.city ?? "",
    address: billing.address ?? "",
    zip: billing.zip ?? "",
    ip: billing.ip ?? "",
  };
}
