/**
 * The Lua scripts of retention: a final payment leaves Redis (with its refunds and its
 * idempotency record, which is its hash) only once the archive has all of it, and an archived
 * payment comes back (for a refund) in one step. See `PaymentRetention`.
 */
import { ScriptErrorCode as E } from "../redis/script-error-code.js";
import { paymentRefundFields as R } from "./refund-totals.js";

/** Stream ids compared as numbers (`ms-seq`): true when `a` < `b`. */
const streamIdBelowLuaFunction = `
local function stream_id_below(a, b)
  local ad, bd = string.find(a, '-', 1, true), string.find(b, '-', 1, true)
  if not ad or not bd then return false end
  local am, bm = tonumber(string.sub(a, 1, ad - 1)), tonumber(string.sub(b, 1, bd - 1))
  if am ~= bm then return am < bm end
  return tonumber(string.sub(a, ad + 1)) < tonumber(string.sub(b, bd + 1))
end
`;

/**
 * Removes one final payment, re-checking everything in the same step: it is final and not
 * waiting for a person, at the version the caller found archived, without an open refund, its
 * last change (its score in the final-payments index) no later than the cutoff, its latest
 * event (its refunds' included, `eventId`) below the ledger's committed position, and its
 * refunds the ones the caller named. Then the payment hash (the idempotency record of its order
 * number), its refunds' hashes and set, and its members in every index go together.
 * KEYS: payment, payment's refunds, final-payments index, archived position, accepted index,
 *       reconcile schedule, reconcile checks, accepted refunds, refund schedule, refund schedule
 *       checks, then one key per refund
 * ARGV: member (`refMember`), expected version, cutoff (epoch ms), then one `refundMember` per refund key
 * → 1 removed | NotFound (gone; dropped from the index) | Conflict (version or refunds moved: try later)
 *   | Retained (not final, an open refund: dropped from the index, its next change re-adds it;
 *   changed since the cutoff: kept) | NotArchived (kept)
 */
export const removeArchivedPaymentLua = `${streamIdBelowLuaFunction}
local h = redis.call('HMGET', KEYS[1], 'status', 'version', 'review', 'eventId', '${R.open}')
if not h[1] then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return ${E.NotFound}
end
local final = h[1] == 'succeeded' or h[1] == 'failed' or h[1] == 'voided'
if not final or h[3] or tonumber(h[5] or '0') > 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return ${E.Retained}
end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[3]) then return ${E.Retained} end
if h[2] ~= ARGV[2] then return ${E.Conflict} end
local below = redis.call('GET', KEYS[4])
if not below or not h[4] or not stream_id_below(h[4], below) then return ${E.NotArchived} end
if redis.call('ZCARD', KEYS[2]) ~= #KEYS - 10 then return ${E.Conflict} end
for i = 11, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then return ${E.Conflict} end
end
redis.call('DEL', unpack(KEYS, 1, 2))
if #KEYS > 10 then redis.call('DEL', unpack(KEYS, 11, #KEYS)) end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('HDEL', KEYS[7], ARGV[1])
for i = 4, #ARGV do
  redis.call('ZREM', KEYS[8], ARGV[i])
  redis.call('ZREM', KEYS[9], ARGV[i])
  redis.call('HDEL', KEYS[10], ARGV[i])
end
return 1
`;

/**
 * Puts an archived payment back into Redis, with its archived refunds, unless its order number
 * is there already (a payment created meanwhile wins). Nothing is published: the archive has it
 * all already (`eventId` 0-1, below any position). Its last change is now, so it stays a full
 * retention window. Its idempotency record has no request fingerprint (the archive does not keep
 * one): a create with its order number answers a conflict, as for any body that differs.
 * KEYS: payment, payment's refunds, final-payments index, then one key per refund
 * ARGV: member, json, status, version, storeId, refunded (minor), held (minor), now (ms),
 *       then per refund: refundNumber, json, status, version, amountMinor
 * → 1 restored | Exists
 */
export const restoreArchivedPaymentLua = `
if redis.call('EXISTS', KEYS[1]) == 1 then return ${E.Exists} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'status', ARGV[3], 'version', ARGV[4], 'storeId', ARGV[5], 'requestHash', '',
  'eventId', '0-1', '${R.refunded}', ARGV[6], '${R.held}', ARGV[7], '${R.open}', 0, '${R.changedAt}', ARGV[8])
redis.call('ZADD', KEYS[3], ARGV[8], ARGV[1])
for i = 4, #KEYS do
  local a = 9 + (i - 4) * 5
  redis.call('HSET', KEYS[i], 'json', ARGV[a + 1], 'status', ARGV[a + 2], 'version', ARGV[a + 3], 'storeId', ARGV[5],
    'requestHash', '', 'amountMinor', ARGV[a + 4])
  redis.call('ZADD', KEYS[2], i - 3, ARGV[a])
end
return 1
`;

/**
 * Enrolls a final payment the final-payments index lacks (one that became final before the index
 * existed) at its last change, the score the caller read. One written before payments recorded
 * their latest event gets the stream's last generated id as its `eventId`: an upper bound of its
 * own events, so the sweep removes it only once the ledger has committed all of them.
 * KEYS: payment, final-payments index, events
 * ARGV: member, expected version, last change (epoch ms)
 * → 1 enrolled | NotFound | Exists (indexed already) | Retained (not final, waiting for a person,
 *   an open refund: its next change indexes it) | Conflict (changed since read: read again)
 */
export const enrollFinalPaymentLua = `
local h = redis.call('HMGET', KEYS[1], 'status', 'version', 'review', 'eventId', '${R.open}')
if not h[1] then return ${E.NotFound} end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return ${E.Exists} end
local final = h[1] == 'succeeded' or h[1] == 'failed' or h[1] == 'voided'
if not final or h[3] or tonumber(h[5] or '0') > 0 then return ${E.Retained} end
if h[2] ~= ARGV[2] then return ${E.Conflict} end
if not h[4] then
  local last = '0-1'
  if redis.call('EXISTS', KEYS[3]) == 1 then
    local info = redis.call('XINFO', 'STREAM', KEYS[3])
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' then last = info[i + 1] end
    end
  end
  redis.call('HSET', KEYS[1], 'eventId', last)
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`;
