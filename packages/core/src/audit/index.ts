export {
  AuditEntry,
  auditActions,
  auditEntryOf,
  auditFields,
  auditIdOf,
  auditTargets,
  streamIdOfAudit,
  type AuditAction,
  type AuditRecord,
} from "./audit-entry.js";
export { AuditLog, type AuditLogOptions } from "./audit-log.js";
