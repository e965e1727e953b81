/**
 * The one way a Lua script appends to the event stream. The stream is trimmed on every append
 * (`MINID`, the event retention), but never past the ledger's committed position
 * (`redisKeys(prefix).archivedBelow`, same hash slot as the stream, read in the same atomic step):
 * nothing leaves Redis before the archive has it. With no position stored (no ledger has ever
 * committed a batch) nothing is trimmed at all: the stream keeps every event until a ledger has
 * archived it, and `LedgerLagging` / `redis_stream_group_entries` show the backlog growing.
 * `MINID ~` only drops whole stream nodes whose every entry is below the floor, never more.
 *
 * `add_event(events, archivedBelow, minId, type, at, storeId, data)` → the new entry's id. An empty
 * `storeId` writes no `storeId` field: an event of no store's (`reconciliation.completed`).
 * `minId`: epoch ms, what the retention alone would keep (older entries may go).
 */
export const addEventLuaFunction = `
local function add_event(events, archivedBelow, minId, eventType, at, storeId, data)
  local floor = '0'
  local below = redis.call('GET', archivedBelow)
  if below then
    local dash = string.find(below, '-', 1, true)
    if dash and tonumber(string.sub(below, 1, dash - 1)) < tonumber(minId) then floor = below else floor = minId end
  end
  if storeId == '' then
    return redis.call('XADD', events, 'MINID', '~', floor, '*', 'type', eventType, 'at', at, 'data', data)
  end
  return redis.call('XADD', events, 'MINID', '~', floor, '*', 'type', eventType, 'at', at, 'storeId', storeId, 'data', data)
end
`;

/** How long events stay in the stream (once archived) when a writer is given no `EVENT_RETENTION_MS`: 7 days. */
export const defaultEventRetentionMs = 7 * 24 * 3600 * 1000;

/** `add_event`'s `minId` for an append at `now`: what a retention of `retentionMs` alone would keep. */
export function eventMinId(now: Date, retentionMs: number): string {
  return String(Math.max(0, now.getTime() - retentionMs));
}
