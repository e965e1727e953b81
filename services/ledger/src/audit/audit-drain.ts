import { type AuditEntry, auditEntryOf } from "@oceanpos/core/audit";
import type { Logger } from "@oceanpos/core/logger";
import { type StreamEntry, StreamGroupReader, type StreamGroupReaderOptions } from "@oceanpos/core/redis";
import type pg from "pg";
import { ArchivedPosition } from "../drain/archived-position.js";

export interface AuditDrainOptions extends Pick<StreamGroupReaderOptions, "redis" | "consumer" | "claimIdleMs" | "blockMs"> {
  /** The audit stream (`redisKeys(prefix).audit`). */
  streamKey: string;
  /** `REDIS_KEY_PREFIX`: where the audit's archived position is kept. */
  keyPrefix: string;
  /** Consumer group shared by every ledger (`LEDGER_GROUP`; groups are per stream). */
  group: string;
  /** The drain's own PostgreSQL connection. */
  pool: pg.Pool;
  logger: Logger;
  /** Entries per read and per transaction; default 500. */
  batchSize?: number;
}

const insertAudit = `
INSERT INTO audit (stream_ms, stream_seq, at, operator, role, action, target, reason, details)
SELECT ms, seq, a, o, r, ac, t, re, d::json
FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
     AS x(ms, seq, a, o, r, ac, t, re, d)
ON CONFLICT (stream_ms, stream_seq) DO NOTHING`;

/**
 * The audit log's archive, on the event drain's model (`EventDrain`): reads the audit stream
 * through the ledger's consumer group, inserts each batch into `audit` in one statement, then
 * acknowledges it, moves the audit's archived position up and trims the stream below it. Only
 * this drain trims the audit stream, and only what is committed: no entry is lost before it is
 * kept. Writing a batch twice changes nothing (the stream id is the key).
 */
export class AuditDrain {
  private readonly reader: StreamGroupReader;
  private readonly position: ArchivedPosition;

  constructor(private readonly o: AuditDrainOptions) {
    this.position = new ArchivedPosition({ redis: o.redis, streamKey: o.streamKey, key: AuditDrain.positionKeyOf(o.keyPrefix), group: o.group });
    this.reader = new StreamGroupReader({
      redis: o.redis,
      streamKey: o.streamKey,
      group: o.group,
      consumer: o.consumer,
      name: "audit drain",
      logger: o.logger,
      startId: "0",
      batchSize: o.batchSize ?? 500,
      ...(o.claimIdleMs !== undefined ? { claimIdleMs: o.claimIdleMs } : {}),
      ...(o.blockMs !== undefined ? { blockMs: o.blockMs } : {}),
      handle: (entries) => this.handle(entries),
    });
  }

  /** Where the audit stream's archived position is kept (same hash slot as the stream). */
  static positionKeyOf(keyPrefix: string): string {
    return `{${keyPrefix}}:ledger:audit-archived-below`;
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /** Stops reading; the batch being written finishes (committed and acknowledged) first. */
  async close(): Promise<void> {
    await this.reader.close();
    this.o.redis.disconnect();
  }

  private async handle(entries: StreamEntry[]): Promise<void> {
    const rows: { ms: string; seq: string; entry: AuditEntry }[] = [];
    for (const [id, fields] of entries) {
      const entry = fields ? auditEntryOf(id, fields) : undefined;
      // Only the audit writers (core's `auditFields`) write this stream: an entry that does not
      // read back is a bug to see, never a reason to hold the log up.
      if (!entry) {
        this.o.logger.error({ streamId: id }, fields ? "audit entry not archived: its fields are not an audit entry's" : "audit entry deleted from the stream before it was archived");
        continue;
      }
      const [ms, seq] = id.split("-") as [string, string];
      rows.push({ ms, seq, entry });
    }
    if (rows.length > 0) {
      const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
      await this.o.pool.query(insertAudit, [
        column((r) => r.ms),
        column((r) => r.seq),
        column((r) => r.entry.at),
        column((r) => r.entry.operator),
        column((r) => r.entry.role),
        column((r) => r.entry.action),
        column((r) => r.entry.target),
        column((r) => r.entry.reason ?? null),
        column((r) => (r.entry.details === undefined ? null : JSON.stringify(r.entry.details))),
      ]);
    }
    await this.o.redis.xack(this.o.streamKey, this.o.group, ...entries.map(([id]) => id));
    const below = await this.position.advance();
    if (below !== undefined) await this.o.redis.xtrim(this.o.streamKey, "MINID", below);
  }
}
