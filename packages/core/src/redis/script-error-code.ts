/**
 * The refusals of the project's Lua scripts, named once for both sides, as BullMQ's `ErrorCode`:
 * a script's text interpolates them (`return {${ScriptErrorCode.NotFound}}`) and the TypeScript
 * that reads its reply compares with the same names. Each name has its own number, whichever
 * script answers it; a new refusal takes a new one. Successes stay the scripts' own (`1`, a
 * count, a stream id), as documented above each script.
 */
export const ScriptErrorCode = {
  /** A compare-and-set lost (the version or the stored value moved): re-read and decide again. */
  Conflict: 0,
  /** No such record (payment, subscription). */
  NotFound: -1,
  /** The payment's status is final: nothing moves it (but a gateway contradiction, see `transitionPaymentLua`). */
  Final: -2,
  /** The payment waits for an operator (a gateway contradiction): only an `operator` transition moves it. */
  AwaitingOperator: -3,
  /** A send is counted only while the payment is `submitting`. */
  NotSubmitting: -4,
  /** Another sender counted a send since the caller read the count: nothing counted. */
  CountMoved: -5,
  /** The rate-limit bucket had no token: nothing was created or read. */
  RateLimited: -9,
  /** A refund of a payment that is not `succeeded`: nothing was created. */
  NotRefundable: -10,
  /** A refund beyond what the payment's other refunds (not `failed`) leave: nothing was created. */
  RefundExceedsPayment: -11,
  /** Retention: the payment's latest event (its refunds' included) is not below the ledger's position yet: kept. */
  NotArchived: -12,
  /** Retention: the payment is not final, has an open refund, or changed within the window: kept. */
  Retained: -13,
  /** Restoring an archived payment whose order number is in Redis already: nothing written. */
  Exists: -14,
} as const;

export type ScriptErrorCode = (typeof ScriptErrorCode)[keyof typeof ScriptErrorCode];
