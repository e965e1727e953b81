import type { Redis } from "ioredis";
import { compareStreamIds } from "../events/stream-id.js";
import { xinfoFields } from "./xinfo-fields.js";

/**
 * A consumer group's backlog, from one XINFO GROUPS and the stream's last entry, read together:
 * `unread` (entries it has not read yet) and `pending` (read, not acknowledged). A group whose
 * last-delivered-id is at or past the last entry has read everything: 0 unread whatever Redis's
 * `lag` says (Redis 7.0 leaves `lag` too high for good after a restart from a rewritten
 * append-only file, until a `StreamGroupReader` puts the counter right). Otherwise `unread` is
 * Redis's `lag`. Undefined when the stream has no such group, or when Redis cannot tell the lag
 * (entries deleted mid-stream): nothing rather than a guess.
 */
export async function streamGroupBacklog(redis: Redis, key: string, group: string): Promise<{ unread: number; pending: number } | undefined> {
  const replies = await redis.multi().xinfo("GROUPS", key).xrevrange(key, "+", "-", "COUNT", 1).exec();
  const [groupsReply, lastReply] = replies ?? [];
  if (groupsReply?.[0]) throw groupsReply[0];
  if (lastReply?.[0]) throw lastReply[0];
  const fields = (groupsReply?.[1] as unknown[][]).map(xinfoFields).find((f) => f.get("name") === group);
  if (fields === undefined) return undefined;
  const pending = Number(fields.get("pending"));
  const last = (lastReply?.[1] as [string, string[]][])[0]?.[0];
  if (last === undefined || compareStreamIds(String(fields.get("last-delivered-id")), last) >= 0) return { unread: 0, pending };
  const lag = fields.get("lag");
  if (lag === null || lag === undefined) return undefined;
  return { unread: Number(lag), pending };
}
