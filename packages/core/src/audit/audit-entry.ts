import { z } from "zod";
import { operatorRoles } from "../stores/operator.js";

/**
 * What operators do that the audit log records (contract: "every operator action"). Named
 * `<resource>.<verb>`; a new kind of operator action gets a new name here.
 */
export const auditActions = [
  "payment.query",
  "payment.resolve",
  "refund.create",
  "refund.resolve",
  "subscription.create",
  "subscription.update",
  "subscription.delete",
  "subscription.rotate_secret",
  "webhook.replay",
  "reconciliation.run",
  "queue.job_change",
] as const;
export type AuditAction = (typeof auditActions)[number];

/** One operator action as the audit log keeps it (`GET /v1/audit`). */
export const AuditEntry = z.object({
  /** `aud_<stream id>`: the order entries were written in, and the `after` cursor. */
  id: z.string(),
  at: z.string(),
  operator: z.string(),
  role: z.enum(operatorRoles),
  action: z.enum(auditActions),
  /** What it was done to: `payment:<storeId>:<orderNumber>`, `refund:<storeId>:<orderNumber>:<refundNumber>`, `subscription:<id>`, `queue:<name>`… */
  target: z.string(),
  /** The operator's words, when the action takes them (resolve). */
  reason: z.string().optional(),
  /** What came of it (the status reached, the gateway's answer, the request made), when worth keeping. */
  details: z.record(z.string(), z.string()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** How an entry names its target, one way per kind of thing an operator acts on. */
export const auditTargets = {
  payment: (storeId: string, orderNumber: string) => `payment:${storeId}:${orderNumber}`,
  refund: (storeId: string, orderNumber: string, refundNumber: string) => `refund:${storeId}:${orderNumber}:${refundNumber}`,
  subscription: (id: string) => `subscription:${id}`,
  queue: (name: string) => `queue:${name}`,
  reconciliation: (date: string) => `reconciliation:${date}`,
} as const;

/** An entry to write: the id and time come from the stream. */
export type AuditRecord = Omit<AuditEntry, "id" | "at">;

/** Audit ids are the stream's ids, prefixed (as event ids are `evt_…`). */
export function auditIdOf(streamId: string): string {
  return `aud_${streamId}`;
}

/** The stream id inside an audit id, or undefined when it is not one. */
export function streamIdOfAudit(id: string): string | undefined {
  return /^aud_([0-9]{1,20}-[0-9]{1,20})$/.exec(id)?.[1];
}

/**
 * The stream entry's fields, flat (`XADD key * …fields`), as every writer (the `AuditLog` and the
 * Lua steps that record an action with its change) writes them.
 */
export function auditFields(record: AuditRecord, at: Date): string[] {
  const fields = ["at", at.toISOString(), "operator", record.operator, "role", record.role, "action", record.action, "target", record.target];
  if (record.reason !== undefined) fields.push("reason", record.reason);
  if (record.details !== undefined) fields.push("details", JSON.stringify(record.details));
  return fields;
}

/** An audit stream entry read back (the ledger's drain); undefined when its fields are not an entry's. */
export function auditEntryOf(streamId: string, fields: readonly string[]): AuditEntry | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  let details: unknown;
  try {
    details = map.has("details") ? JSON.parse(map.get("details") as string) : undefined;
  } catch {
    return undefined;
  }
  const parsed = AuditEntry.safeParse({
    id: auditIdOf(streamId),
    at: map.get("at"),
    operator: map.get("operator"),
    role: map.get("role"),
    action: map.get("action"),
    target: map.get("target"),
    reason: map.get("reason"),
    details,
  });
  return parsed.success ? parsed.data : undefined;
}
