import { randomBytes } from "node:crypto";

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** `sub_` + 24 hex characters: safe in Redis keys and BullMQ queue names and job ids. */
export function generateSubscriptionId(): string {
  return `sub_${randomBytes(12).toString("hex")}`;
}
