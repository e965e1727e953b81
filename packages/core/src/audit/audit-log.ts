import type { Redis } from "ioredis";
import { redisKeys } from "../redis/redis-keys.js";
import { type AuditRecord, auditFields, auditIdOf } from "./audit-entry.js";

export interface AuditLogOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`; default `op`. */
  keyPrefix?: string;
  clock?: () => Date;
}

/**
 * The append-only audit log's writer: one entry per operator action, on the audit stream
 * (`redisKeys(prefix).audit`), which the ledger drains into PostgreSQL. Writers never trim it:
 * only the ledger does, below what it has archived, so no entry is lost before it is kept.
 * An action that is itself one Lua step (a resolve's transition) writes its entry in that step
 * (`auditFields`); every other action calls {@link record} right after it took effect.
 */
export class AuditLog {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly clock: () => Date;

  constructor(options: AuditLogOptions) {
    this.redis = options.redis;
    this.key = redisKeys(options.keyPrefix ?? "op").audit;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Appends the entry; resolves with its id (`aud_…`). */
  async record(record: AuditRecord): Promise<string> {
    const id = await this.redis.xadd(this.key, "*", ...auditFields(record, this.clock()));
    return auditIdOf(id as string);
  }
}
