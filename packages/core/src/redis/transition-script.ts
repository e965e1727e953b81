/**
 * What the payment and refund transition scripts share, on both sides of the call: the Lua
 * functions of their compare-and-set check and of their review/schedule bookkeeping, the
 * arguments the stores build the same way, and the one reading of their replies. Each script
 * stays its own (its own KEYS/ARGV order, its own atomic step); only the common parts are here.
 */
import { type AuditRecord, auditFields } from "../audit/audit-entry.js";
import { eventIdOf } from "../payments/payment-event.js";
import type { StepWrite } from "../payments/transition-loop.js";
import { ScriptErrorCode as E } from "./script-error-code.js";

/**
 * `refuse_transition(cur, expectedVersion, isFinal, mayContradict, contradiction, source)` → nil
 * to go on, or the reply refusing the move. `cur` is the resource hash's
 * `HMGET version, status, storeId, review`. A final status is refused unless the caller says the
 * gateway contradicted it (mode `contradiction`) and the script allows that move
 * (`mayContradict`); a contradiction for a status that is not final is a stale decision
 * (`Conflict`), as is a moved version; a resource waiting for an operator moves for nobody else.
 */
export const refuseTransitionLuaFunction = `
local function refuse_transition(cur, expectedVersion, isFinal, mayContradict, contradiction, source)
  if isFinal then
    if not (contradiction and mayContradict) then return {${E.Final}} end
  elseif contradiction then
    return {${E.Conflict}, cur[1]}
  end
  if cur[1] ~= expectedVersion then return {${E.Conflict}, cur[1]} end
  if cur[4] == 'contradiction' and source ~= 'operator' then return {${E.AwaitingOperator}} end
  return nil
end
`;

/**
 * `settle_review(key, contradiction, hadReview, contradictions, schedule, checks, member, now, due)`
 * after an applied move: a contradiction marks the resource (`review`), lists it in its
 * contradictions index and takes it out of its schedule; any other move lifts a mark it had and
 * changes the schedule as asked (`due`: '' leave it | 'remove' | due epoch ms, scheduled no later).
 */
export const settleReviewLuaFunction = `
local function settle_review(key, contradiction, hadReview, contradictions, schedule, checks, member, now, due)
  if contradiction then
    redis.call('HSET', key, 'review', 'contradiction')
    redis.call('ZADD', contradictions, now, member)
    redis.call('ZREM', schedule, member)
    redis.call('HDEL', checks, member)
    return
  end
  if hadReview then
    redis.call('HDEL', key, 'review')
    redis.call('ZREM', contradictions, member)
  end
  if due == 'remove' then
    redis.call('ZREM', schedule, member)
    redis.call('HDEL', checks, member)
  elseif due ~= '' then
    redis.call('ZADD', schedule, 'LT', due, member)
    redis.call('HSETNX', checks, member, 0)
  end
end
`;

/** The schedule change a store's transition asks for, only if the move is applied (see `settle_review`). */
export type ScheduleChange = "remove" | { dueAt: number };

/** Extras of a store's `transition` (`PaymentStore`, `RefundStore`), the same for every resource `R`. */
export interface TransitionExtras<R> {
  /**
   * The resource as the caller last read it: the first compare-and-set is tried on it without a
   * read of its own (a stale copy only costs the re-read a version conflict causes anyway).
   */
  current?: R;
  /**
   * The resource's schedule change (payments: `ReconcileSchedule`; refunds: `refundSchedule`), made
   * in the same atomic step, only if the move is applied: `remove` it, or check it no later than
   * `dueAt` (epoch ms).
   */
  reconcile?: ScheduleChange;
  /** The operator action behind the move, written to the audit log in the same atomic step, only if it is applied. */
  audit?: AuditRecord;
}

/** The scripts' `schedule` argument: '' leave it, `remove`, or the due time in epoch ms. */
export function scheduleArg(change: ScheduleChange | undefined): string {
  if (change === undefined) return "";
  return change === "remove" ? "remove" : String(Math.round(change.dueAt));
}

/** The scripts' `mode` argument. */
export function modeArg(contradiction: boolean): string {
  return contradiction ? "contradiction" : "";
}

/** The scripts' audit argument: the entry's stream fields as a JSON array, '' for none. */
export function auditArg(audit: AuditRecord | undefined, at: Date): string {
  return audit ? JSON.stringify(auditFields(audit, at)) : "";
}

/**
 * A transition script's reply as the transition loop reads it: `{1, eventStreamId}` applied
 * (`next` written), `{NotFound}`, `{Final}`, `{AwaitingOperator}`, else (`{Conflict, version}`) a lost race.
 */
export function stepWriteOf<R>(reply: readonly [number, string?], next: R): StepWrite<R> {
  const [code, value] = reply;
  if (code === 1) return { outcome: "applied", next, eventId: eventIdOf(value as string) };
  if (code === E.NotFound) return { outcome: "not_found" };
  if (code === E.Final) return { outcome: "final" };
  if (code === E.AwaitingOperator) return { outcome: "awaiting_operator" };
  return { outcome: "conflict" };
}

/** What a store's `recordSend` found: the new count, or why nothing may be sent. */
export type RecordSendResult =
  | { recorded: true; sends: number }
  | { recorded: false; reason: "not_found" | "not_submitting" | "count_moved" };

/** The send-count script's (`recordSendLua`) reply read: the count after the increment, or a refusal. */
export function recordSendResultOf(reply: number): RecordSendResult {
  if (reply === E.NotFound) return { recorded: false, reason: "not_found" };
  if (reply === E.NotSubmitting) return { recorded: false, reason: "not_submitting" };
  if (reply === E.CountMoved) return { recorded: false, reason: "count_moved" };
  return { recorded: true, sends: reply };
}

/** The scripts' `expected count` argument: '' for none. */
export function expectedSendsArg(expectedSends: number | undefined): string {
  return expectedSends === undefined ? "" : String(expectedSends);
}
