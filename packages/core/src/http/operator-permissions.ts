import type { OperatorRole } from "../stores/index.js";
import { ApiError } from "./api-error.js";
import type { Caller, OperatorCaller } from "./caller-auth.js";

/**
 * What an operator may be allowed to do, one name per kind of call. Every service checks an
 * operator call with {@link requirePermission} against the one table below.
 */
export const operatorActions = [
  /** Payments, refunds, events, lists, exports, reports, subscriptions and their logs, reconciliation runs, the queue board. */
  "read",
  /** `GET /v1/audit`. */
  "audit.read",
  /** `POST /v1/payments/{orderNumber}/query`: ask the gateway now and record its answer. */
  "payments.query",
  /** `POST …/resolve` of a payment or a refund in `needs_review`. */
  "payments.resolve",
  /** `POST /v1/payments/{orderNumber}/refunds` for any store. */
  "refunds.create",
  /** Webhook replays: a period, the dead letters, one dead letter. */
  "webhooks.replay",
  /** Subscriptions: create, update, delete, rotate the secret, send a test. */
  "subscriptions.manage",
  /** `POST /v1/reconciliations`. */
  "reconciliations.run",
  /** Bull Board: retry failed jobs. */
  "queues.retry",
  /** Bull Board: everything else that changes a queue (clean, empty, pause, promote, add…). */
  "queues.manage",
] as const;
export type OperatorAction = (typeof operatorActions)[number];

/**
 * The contract's roles: `admin` everything; `support` payments, refunds, resolve and replay;
 * `finance` read-only plus reconciliation (and the audit log, which is a read).
 */
export const rolePermissions: Readonly<Record<OperatorRole, ReadonlySet<OperatorAction>>> = {
  admin: new Set(operatorActions),
  support: new Set(["read", "payments.query", "payments.resolve", "refunds.create", "webhooks.replay", "queues.retry"]),
  finance: new Set(["read", "audit.read", "reconciliations.run"]),
};

/** Whether this role may do this. */
export function roleMay(role: OperatorRole, action: OperatorAction): boolean {
  return rolePermissions[role].has(action);
}

/**
 * The caller as an operator allowed to do `action`, or `403 forbidden` thrown: a store key (on a
 * route for operators only), or an operator whose role lacks the right (the message names both).
 */
export function requirePermission(caller: Caller, action: OperatorAction): OperatorCaller {
  if (caller.kind !== "operator") throw new ApiError(403, "forbidden", "this call needs an operator token");
  if (!roleMay(caller.role, action)) {
    throw new ApiError(403, "forbidden", `operator ${caller.name} (role ${caller.role}) may not do ${action}`);
  }
  return caller;
}
