import { isStreamId, timeOfStreamId } from "@oceanpos/core/events";
import type { Redis } from "@oceanpos/core/redis";

/**
 * Recomputes the archive's low-water mark from the consumer group and stores it if it moved up:
 * every entry with an id below it is committed to PostgreSQL (read by the group and acknowledged,
 * and the ledger acknowledges only what it committed). It is the smallest id still pending when
 * there is one, else the id right after the last one the group read. Computed and stored in one
 * atomic step, so concurrent ledgers cannot move it back, and nothing read after the computation
 * can be missed. The entries just committed are acknowledged first, in the same step (one round
 * trip per batch fewer).
 * KEYS: event stream, position key. ARGV: group, then the ids to acknowledge (none: only recompute)
 * → the stored position ('' when the group does not exist yet)
 */
const advanceLua = `
for i = 2, #ARGV, 1000 do
  redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('GET', KEYS[2]) or '' end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local last
for _, g in ipairs(groups) do
  local name, lastId
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then lastId = g[i + 1] end
  end
  if name == ARGV[1] then last = lastId end
end
if not last then return redis.call('GET', KEYS[2]) or '' end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])
local floor
if tonumber(pending[1]) > 0 then
  floor = pending[2]
else
  local dash = string.find(last, '-', 1, true)
  floor = string.sub(last, 1, dash - 1) .. '-' .. string.format('%.0f', tonumber(string.sub(last, dash + 1)) + 1)
end
local cur = redis.call('GET', KEYS[2])
if cur then
  local cd = string.find(cur, '-', 1, true)
  local fd = string.find(floor, '-', 1, true)
  local cm, cs = tonumber(string.sub(cur, 1, cd - 1)), tonumber(string.sub(cur, cd + 1))
  local fm, fs = tonumber(string.sub(floor, 1, fd - 1)), tonumber(string.sub(floor, fd + 1))
  if fm < cm or (fm == cm and fs <= cs) then return cur end
end
redis.call('SET', KEYS[2], floor)
return floor
`;

export interface ArchivedPositionOptions {
  redis: Redis;
  /** The event stream (`redisKeys(prefix).events`). */
  streamKey: string;
  /** Where the position is kept: `redisKeys(prefix).archivedBelow` (same hash slot as the stream). */
  key: string;
  group: string;
}

/**
 * The ledger's committed position on the event stream, kept in Redis next to the stream: a
 * stream id below which every entry is in PostgreSQL. The scripts that append events trim the
 * stream to the older of the retention and this position (core's `add-event-lua.ts`), so no
 * event leaves Redis before the archive has it.
 */
export class ArchivedPosition {
  private readonly o: ArchivedPositionOptions;

  constructor(options: ArchivedPositionOptions) {
    this.o = options;
  }

  /**
   * Acknowledges `committed` (entries now in PostgreSQL), then moves the position up to what the
   * group has acknowledged; resolves with it.
   */
  async advance(committed: readonly string[] = []): Promise<string | undefined> {
    const stored = (await this.o.redis.eval(advanceLua, 2, this.o.streamKey, this.o.key, this.o.group, ...committed)) as string | null;
    return stored ? stored : undefined;
  }

  /** The stored position, undefined before the first commit. */
  async read(): Promise<string | undefined> {
    const value = await this.o.redis.get(this.o.key);
    return value !== null && isStreamId(value) ? value : undefined;
  }

  /** When the oldest entry of the stream that is not archived yet was written; undefined when there is none. */
  async oldestUnarchived(): Promise<Date | undefined> {
    const position = await this.read();
    const entries = (await this.o.redis.xrange(this.o.streamKey, position ?? "-", "+", "COUNT", 1)) as [string, string[]][];
    const id = entries[0]?.[0];
    return id === undefined ? undefined : timeOfStreamId(id);
  }
}
