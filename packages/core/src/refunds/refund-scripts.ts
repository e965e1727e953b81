/**
 * The Lua scripts that change refunds. Each runs atomically in Redis: the refund hash, its
 * payment's refund totals (`paymentRefundFields`), the indexes and the event stream (outbox)
 * entry are written together or not at all, so the sum of a payment's refunds that are not
 * `failed` can never exceed its amount, whatever the number of concurrent requests or intake
 * replicas, and no change goes without its event.
 *
 * Refund hash fields: json (the resource), status, version, storeId, requestHash, amountMinor
 * (the amount in minor units of the currency), feedId (its refund feed entry), sends (applyRefund
 * requests started, `recordSendLua`), sentAt (ms, when the latest one left), review (`contradiction` while a gateway contradiction waits
 * for a person).
 */
import { addEventLuaFunction } from "../events/add-event-lua.js";
import { paymentRefundFields as P } from "../payments/refund-totals.js";
import { ScriptErrorCode as E } from "../redis/script-error-code.js";
import { refuseTransitionLuaFunction, settleReviewLuaFunction } from "../redis/transition-script.js";
import { refundFeedMaxLen } from "./refund-feed.js";

/**
 * Minor units of a decimal string with `decimals` decimals (nil when it has more, or is not a
 * plain decimal). Exact: amounts have at most 14 digits, well within a double's 2^53.
 */
const toMinorLuaFunction = `
local function to_minor(amount, decimals)
  if type(amount) ~= 'string' then return nil end
  local whole, frac = string.match(amount, '^(%d+)%.?(%d*)$')
  if not whole or #frac > decimals then return nil end
  local padded = frac .. string.rep('0', decimals - #frac)
  return tonumber(whole) * (10 ^ decimals) + (padded == '' and 0 or tonumber(padded))
end
`;

/**
 * Creates one refund unless its key exists (idempotent on payment + refundNumber): only for the
 * store's own `succeeded` payment, only if the refunds of the payment that are not `failed`, this
 * one included, stay within its amount (summed in integer minor units of the currency). With it,
 * in the same step: the payment's held amount and open count, its place among the payment's
 * refunds (creation order), the `accepted` index, its `refund.accepted` event and its refund feed
 * entry (the payer's cue to file it). The payment's last change (retention) is now, and its
 * latest event this one.
 * KEYS: payment, refund, payment's refunds, events, refund feed, accepted refunds, archived
 *       position, final-payments index
 * ARGV: json, status, version, storeId, requestHash, amountMinor, currency, decimals (the
 *       currency's), eventType, at, minId, member (`refundMember`), now (ms), refundNumber,
 *       payment member (`refMember`)
 * → {1, eventStreamId} created | {2, json, requestHash, storeId} it already existed (not 0: that is `Conflict`)
 *   | {NotFound} no such payment for this store | {NotRefundable, paymentStatus}
 *   | {RefundExceedsPayment, refundableMinor} | {Conflict} the payment is not the one the caller read (currency)
 */
export const createRefundLua = `${toMinorLuaFunction}${addEventLuaFunction}
local r = redis.call('HMGET', KEYS[2], 'json', 'requestHash', 'storeId')
if r[1] then return {2, r[1], r[2], r[3]} end
local p = redis.call('HMGET', KEYS[1], 'status', 'storeId', 'json', '${P.held}')
if not p[1] or p[2] ~= ARGV[4] then return {${E.NotFound}} end
if p[1] ~= 'succeeded' then return {${E.NotRefundable}, p[1]} end
local payment = cjson.decode(p[3])
local total = to_minor(payment.amount, tonumber(ARGV[8]))
if payment.currency ~= ARGV[7] or not total then return {${E.Conflict}} end
local held = tonumber(p[4] or '0')
if held + tonumber(ARGV[6]) > total then return {${E.RefundExceedsPayment}, math.max(0, total - held)} end
redis.call('ZADD', KEYS[3], redis.call('ZCARD', KEYS[3]) + 1, ARGV[14])
local feedId = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ${refundFeedMaxLen}, '*', 'ref', ARGV[12])
redis.call('HSET', KEYS[2], 'json', ARGV[1], 'status', ARGV[2], 'version', ARGV[3], 'storeId', ARGV[4],
  'requestHash', ARGV[5], 'amountMinor', ARGV[6], 'feedId', feedId)
local id = add_event(KEYS[4], KEYS[7], ARGV[11], ARGV[9], ARGV[10], ARGV[4], ARGV[1])
redis.call('HINCRBY', KEYS[1], '${P.held}', ARGV[6])
redis.call('HINCRBY', KEYS[1], '${P.open}', 1)
redis.call('HSET', KEYS[1], '${P.changedAt}', ARGV[13], 'eventId', id)
redis.call('ZADD', KEYS[8], ARGV[13], ARGV[15])
redis.call('ZADD', KEYS[6], ARGV[13], ARGV[12])
return {1, id}
`;

/**
 * Compare-and-set on version, as for payments (`transitionPaymentLua`): final statuses are refused
 * whatever the caller computed, with the same narrow permission: `failed` → `needs_review` when
 * the caller says the gateway contradicted it (mode `contradiction`: it showed the refund paid
 * out). Such a refund is marked (`review`, the contradictions index), taken out of the refund
 * schedule, and only an `operator` transition moves it on. The payment's totals follow in the
 * same step: a refund becoming `failed` frees its amount, one leaving `failed` (a contradiction)
 * holds it again, one becoming `succeeded` adds it to the refunded amount; its last change
 * (retention) is now, and its latest event this one.
 * An operator's move (a resolve) writes its audit log entry in the same step.
 * KEYS: refund, payment, events, accepted refunds, refund schedule, refund schedule checks, refund contradictions,
 *       archived position, final-payments index, audit stream
 * ARGV: expectedVersion, json, status, version, eventType, at, minId, member, schedule ('' leave it
 *       | 'remove' | due epoch ms: scheduled no later than that), mode ('' | 'contradiction'), source, now (ms),
 *       payment member (`refMember`),
 *       audit entry fields as a JSON array ('' none)
 * → {1, eventStreamId} applied | {Conflict, currentVersion} | {NotFound} | {Final} | {AwaitingOperator}
 */
export const transitionRefundLua = `${addEventLuaFunction}${refuseTransitionLuaFunction}${settleReviewLuaFunction}
local cur = redis.call('HMGET', KEYS[1], 'version', 'status', 'storeId', 'review', 'amountMinor')
if not cur[1] then return {${E.NotFound}} end
local contradiction = ARGV[10] == 'contradiction'
local from, to = cur[2], ARGV[3]
local refused = refuse_transition(cur, ARGV[1], from == 'succeeded' or from == 'failed', from == 'failed' and to == 'needs_review', contradiction, ARGV[11])
if refused then return refused end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'status', to, 'version', ARGV[4])
local id = add_event(KEYS[3], KEYS[8], ARGV[7], ARGV[5], ARGV[6], cur[3], ARGV[2])
-- Never recreate a payment that is gone (its hash would be a stub without a resource).
if redis.call('EXISTS', KEYS[2]) == 1 then
  local amount = cur[5]
  if from == 'failed' then redis.call('HINCRBY', KEYS[2], '${P.held}', amount) end
  if to == 'failed' then redis.call('HINCRBY', KEYS[2], '${P.held}', '-' .. amount) end
  if to == 'succeeded' then redis.call('HINCRBY', KEYS[2], '${P.refunded}', amount) end
  local wasOpen = from ~= 'succeeded' and from ~= 'failed'
  local isOpen = to ~= 'succeeded' and to ~= 'failed'
  if wasOpen and not isOpen then redis.call('HINCRBY', KEYS[2], '${P.open}', -1) end
  if isOpen and not wasOpen then redis.call('HINCRBY', KEYS[2], '${P.open}', 1) end
  redis.call('HSET', KEYS[2], '${P.changedAt}', ARGV[12], 'eventId', id)
  redis.call('ZADD', KEYS[9], ARGV[12], ARGV[13])
end
redis.call('ZREM', KEYS[4], ARGV[8])
settle_review(KEYS[1], contradiction, cur[4], KEYS[7], KEYS[5], KEYS[6], ARGV[8], ARGV[12], ARGV[9])
if ARGV[14] ~= '' then redis.call('XADD', KEYS[10], '*', unpack(cjson.decode(ARGV[14]))) end
return {1, id}
`;
