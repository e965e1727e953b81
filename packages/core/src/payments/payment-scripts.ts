/**
 * The Lua scripts that change payments. Each runs atomically in Redis: the payment hash, the
 * `accepted` index, the event stream (outbox) entry and (for a change) the wake-up message are written together
 * or not at all, so a crash can never leave a state change without its event or the reverse.
 *
 * Hash fields: json (the resource), status, version, storeId, requestHash, authCode (merchant
 * scans, removed once final), eventId (the stream id of its latest event, its refunds' included:
 * the retention sweep removes it only once that is archived), sends (pay requests the payer started, see `recordSendLua`),
 * feedId (its submit feed entry), review (`contradiction` while a gateway contradiction waits for a
 * person, see `transitionPaymentLua`), and the totals its refunds keep (`paymentRefundFields`,
 * written by the refund scripts only).
 */
import { addEventLuaFunction } from "../events/add-event-lua.js";
import { takeTokensLuaFunction } from "../rate-limit/token-bucket-lua.js";
import { ScriptErrorCode as E } from "../redis/script-error-code.js";
import { refuseTransitionLuaFunction, settleReviewLuaFunction } from "../redis/transition-script.js";
import { paymentRefundFields as R } from "./refund-totals.js";
import { submitFeedMaxLen } from "./submit-feed.js";

/**
 * Creates one payment unless its key exists: the hash, its place in the `accepted` index, its
 * `payment.accepted` event and its entry in the submit feed (the payer's first send: the payment
 * cannot exist without it). No wake-up message: nobody can be waiting for a payment that did not
 * exist (a wait on a missing payment answers at once), so only transitions publish one.
 * → {1, eventStreamId} created | {0, json, requestHash, storeId, refunded, refundHeld} it already
 *   existed (a replay answers the payment with its refunds' amounts)
 */
const createPaymentLuaFunction = `${addEventLuaFunction}
local function create_payment(key, events, archivedBelow, index, submits, json, status, version, storeId, requestHash, authCode, eventType, at, minId, member, score)
  if redis.call('EXISTS', key) == 1 then
    local h = redis.call('HMGET', key, 'json', 'requestHash', 'storeId', '${R.refunded}', '${R.held}')
    return {0, h[1], h[2], h[3], h[4] or '0', h[5] or '0'}
  end
  local feedId = redis.call('XADD', submits, 'MAXLEN', '~', ${submitFeedMaxLen}, '*', 'ref', member)
  local id = add_event(events, archivedBelow, minId, eventType, at, storeId, json)
  -- One HSET, with or without the wallet code: a second call cost every merchant scan a command and its Lua overhead.
  local fields = {'json', json, 'status', status, 'version', version, 'storeId', storeId, 'requestHash', requestHash, 'feedId', feedId, 'eventId', id}
  if authCode ~= '' then fields[15] = 'authCode'; fields[16] = authCode end
  redis.call('HSET', key, unpack(fields))
  redis.call('ZADD', index, score, member)
  return {1, id}
end
`;

/**
 * One payment, optionally taking a rate-limit token first (the intake's per-store bucket), so that
 * a POST costs one round trip: a refused request creates nothing and replays nothing.
 * KEYS: payment, events, acceptedIndex, rate bucket (unused without a limit), submit feed, archived position
 * ARGV: json, status, version, storeId, requestHash, authCode, eventType, at, minId, member (`refMember`), score,
 *       ratePerSec ('' for no limit), burst, cost
 * → {1, eventStreamId} created | {0, json, requestHash, storeId, refunded, refundHeld} it already existed
 *   | {RateLimited, retryAfterMs}
 */
export const createPaymentLua = `${takeTokensLuaFunction}${createPaymentLuaFunction}
if ARGV[12] ~= '' then
  local limit = take_tokens(KEYS[4], tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]))
  if limit[1] == 0 then return {${E.RateLimited}, limit[2]} end
end
return create_payment(KEYS[1], KEYS[2], KEYS[6], KEYS[3], KEYS[5], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11])
`;

/** Arguments per payment of {@link createPaymentsLua} (`PaymentStore` sends eight fields and the member, `refMember`). */
const createPaymentsArgsPerPayment = 9;

/** Values per payment in the reply of {@link createPaymentsLua}. */
export const createPaymentsReplyWidth = 6;

/**
 * Many payments in one script call, in order (an order number repeated in the list finds the
 * first one existing). One command instead of one per payment: for a 500-item batch that is most
 * of the intake's client-side cost of the creates, and Redis's per-command overhead.
 * KEYS: events, acceptedIndex, submit feed, archived position, then the payments' keys
 * ARGV: minId, score, then per payment: json, status, version, storeId, requestHash, authCode, eventType, at, member
 * → per payment six values: 1, eventStreamId, '', '', '', '' (created)
 *   | 0, json, requestHash, storeId, refunded, refundHeld (it already existed)
 */
export const createPaymentsLua = `${createPaymentLuaFunction}
local out = {}
for i = 1, #KEYS - 4 do
  local a = 2 + (i - 1) * ${createPaymentsArgsPerPayment}
  local r = create_payment(KEYS[4 + i], KEYS[1], KEYS[4], KEYS[2], KEYS[3], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[1], ARGV[a + 9], ARGV[2])
  for k = 1, ${createPaymentsReplyWidth} do out[#out + 1] = r[k] or '' end
end
return out
`;

/**
 * Compare-and-set on version. Final statuses are refused here too, whatever the caller computed,
 * with one narrow permission: `failed`/`voided` → `needs_review` when the caller says the gateway
 * contradicted it (mode `contradiction`: it showed a success). Such a payment is marked
 * (`review` = `contradiction`, and listed in the contradictions index), taken out of the
 * reconciliation schedule, and only an `operator` transition moves it on (which lifts the mark).
 * Optionally updates the payment's reconciliation schedule (`ReconcileSchedule`, by the payment's
 * member) in the same step, only when the move is applied: the payer saves a round trip per
 * transition and the schedule can no longer lag behind the status after a crash.
 * A final payment enters the final-payments index (retention) at `now`; one leaving a final
 * status (a contradiction) leaves it.
 * An operator's move (a resolve) writes its audit log entry in the same step.
 * KEYS: payment, events, acceptedIndex, reconcile schedule, reconcile checks, contradictions index,
 *       archived position, final-payments index, audit stream
 * ARGV: expectedVersion, json, status, version, eventType, at, minId, channel, member, isFinal,
 *       schedule ('' leave it | 'remove' | due epoch ms: scheduled no later than that),
 *       mode ('' | 'contradiction'), source, now (epoch ms), audit entry fields as a JSON array ('' none)
 * → {1, eventStreamId} applied | {Conflict, currentVersion} version moved | {NotFound}
 *   | {Final} already final | {AwaitingOperator} waits for an operator
 */
export const transitionPaymentLua = `${addEventLuaFunction}${refuseTransitionLuaFunction}${settleReviewLuaFunction}
local cur = redis.call('HMGET', KEYS[1], 'version', 'status', 'storeId', 'review')
if not cur[1] then return {${E.NotFound}} end
local contradiction = ARGV[12] == 'contradiction'
local isFinal = cur[2] == 'succeeded' or cur[2] == 'failed' or cur[2] == 'voided'
local refused = refuse_transition(cur, ARGV[1], isFinal, cur[2] ~= 'succeeded' and ARGV[3] == 'needs_review', contradiction, ARGV[13])
if refused then return refused end
local id = add_event(KEYS[2], KEYS[7], ARGV[7], ARGV[5], ARGV[6], cur[3], ARGV[2])
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'status', ARGV[3], 'version', ARGV[4], 'eventId', id)
if ARGV[10] == '1' then
  redis.call('HDEL', KEYS[1], 'authCode')
  redis.call('ZADD', KEYS[8], ARGV[14], ARGV[9])
end
redis.call('ZREM', KEYS[3], ARGV[9])
if contradiction then redis.call('ZREM', KEYS[8], ARGV[9]) end
settle_review(KEYS[1], contradiction, cur[4], KEYS[6], KEYS[4], KEYS[5], ARGV[9], ARGV[14], ARGV[11])
if ARGV[15] ~= '' then redis.call('XADD', KEYS[9], '*', unpack(cjson.decode(ARGV[15]))) end
redis.call('PUBLISH', ARGV[8], ARGV[4])
return {1, id}
`;

/**
 * Counts a pay request before it is sent, so that any later run of the job (a retry, a stalled job
 * after a crash, another payer) knows the gateway may have an attempt and queries first. Only a
 * `submitting` payment may be sent: a notice or a query that moved it meanwhile stops the send.
 * With an expected count, it is a compare-and-increment: of two payers that both decided to send
 * after seeing the same count, only one may.
 * KEYS: payment (or refund)
 * ARGV: expected count, or '' for none; when the request leaves (ms, stored as `sentAt` with the
 *       count; refunds, whose resend waits on it), or nothing
 * → sends after the increment | NotFound | NotSubmitting | CountMoved (nothing counted)
 */
export const recordSendLua = `
local h = redis.call('HMGET', KEYS[1], 'status', 'sends')
if not h[1] then return ${E.NotFound} end
if h[1] ~= 'submitting' then return ${E.NotSubmitting} end
if ARGV[1] ~= '' and tonumber(h[2] or '0') ~= tonumber(ARGV[1]) then return ${E.CountMoved} end
local sends = redis.call('HINCRBY', KEYS[1], 'sends', 1)
if ARGV[2] and ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'sentAt', ARGV[2]) end
return sends
`;
