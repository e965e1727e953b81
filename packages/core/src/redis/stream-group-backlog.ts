import type { Redis } from "ioredis";
import { xinfoFields } from "./xinfo-fields.js";

/**
 * A consumer group's backlog, from one XINFO GROUPS: `unread` (entries it has not read yet,
 * Redis's `lag`) and `pending` (read, not acknowledged). Undefined when the stream has no such
 * group, or when Redis cannot tell the lag (entries deleted mid-stream): nothing rather than a guess.
 */
export async function streamGroupBacklog(redis: Redis, key: string, group: string): Promise<{ unread: number; pending: number } | undefined> {
  const rows = (await redis.xinfo("GROUPS", key)) as unknown[][];
  const fields = rows.map(xinfoFields).find((f) => f.get("name") === group);
  const lag = fields?.get("lag");
  if (fields === undefined || lag === null || lag === undefined) return undefined;
  return { unread: Number(lag), pending: Number(fields.get("pending")) };
}
