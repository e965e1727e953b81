import type { FormFields } from "./field-rules.js";
import { type ResultCode, resultCodes } from "./result-codes.js";

/**
 * Billing fields of a pay request. Oceanpayment's parameter reference tells merchants to remove
 * leading/trailing spaces, `"`, `<`, `>` and `'` from billing_firstName, billing_lastName and
 * billing_email "to ensure consistent request signing": the gateway hashes the cleaned values. So
 * the emulator cleans them before verifying `signValue`, and a client that signs uncleaned values
 * gets 20013, exactly as it would in production. Lengths: names and email 1–50, phone 0–50,
 * country 0–100 (an empty country is accepted: the face-to-face sample sends one, but the project's
 * stores may not).
 */

const cleaned = ["billing_firstName", "billing_lastName", "billing_email"] as const;

/** What the gateway hashes: the request with its signed billing fields cleaned. */
export function gatewayBilling(fields: FormFields): FormFields {
  const out: Record<string, string | undefined> = { ...fields };
  for (const name of cleaned) {
    const value = fields[name];
    if (value !== undefined) out[name] = value.replace(/["<>']/g, "").trim();
  }
  return out;
}

// Characters, not UTF-16 units: a name in Chinese or with an emoji counts as a person reads it.
const length = (value: string | undefined): number => [...(value ?? "")].length;

const rules: ReadonlyArray<readonly [field: string, empty: ResultCode | undefined, tooLong: ResultCode, max: number]> = [
  ["billing_firstName", resultCodes.firstNameEmpty, resultCodes.firstNameTooLong, 50],
  ["billing_lastName", resultCodes.lastNameEmpty, resultCodes.lastNameTooLong, 50],
  ["billing_email", resultCodes.emailEmpty, resultCodes.emailTooLong, 50],
  ["billing_phone", undefined, resultCodes.phoneTooLong, 50],
  ["billing_country", undefined, resultCodes.countryTooLong, 100],
];

/** The first billing rule the (cleaned) request breaks, or undefined. */
export function billingRule(billing: FormFields): ResultCode | undefined {
  for (const [field, empty, tooLong, max] of rules) {
    const size = length(billing[field]);
    if (size === 0 && empty) return empty;
    if (size > max) return tooLong;
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(billing.billing_email ?? "")) return resultCodes.emailFormat;
  return undefined;
}
