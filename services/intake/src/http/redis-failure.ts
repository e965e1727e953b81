import { UnavailableError } from "../errors.js";

/**
 * What a failed Redis call lets us tell the client about its request. Only what ioredis proves
 * counts as "changed nothing" (ioredis 5, producer connection: `enableOfflineQueue: false`,
 * `commandTimeout`, `maxRetriesPerRequest: 1`):
 * - `not_sent`: "Stream isn't writeable and enableOfflineQueue options is false" — rejected in
 *   `sendCommand` before any byte was written, because the connection was not ready (Redis never
 *   started, was killed or restarted, a reconnection in progress).
 * - `refused`: Redis answered with an error it gives before running a command or script (OOM,
 *   LOADING, READONLY, MASTERDOWN, CLUSTERDOWN, TRYAGAIN): nothing ran.
 * - `unknown`: everything else. "Command timed out" fires after the command was written (a
 *   frozen or overloaded Redis runs it later); a connection that closes with the command in
 *   flight rejects it with `MaxRetriesPerRequestError`, "Connection is closed." or an abort once
 *   reconnection fails, while Redis may have run it; ECONNRESET/EPIPE say the same.
 */
export type RedisFailure = { kind: "not_sent" } | { kind: "refused"; full: boolean } | { kind: "unknown" };

const notSentMessage = "Stream isn't writeable and enableOfflineQueue options is false";
const refusedReply = /^(LOADING|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN) /;
const inFlightMessage = /^(Command timed out|Connection is closed\.|Command aborted due to connection close|Reached the max retries per request limit)/;
const socketCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH"]);

/** The failure of a Redis call, or undefined when the error is not about Redis being reachable (a bug). */
export function redisFailureOf(err: unknown): RedisFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.message.startsWith(notSentMessage)) return { kind: "not_sent" };
  // With `noeviction` Redis refuses writes once full; a script is refused before its first write.
  if (err.message.startsWith("OOM ")) return { kind: "refused", full: true };
  if (refusedReply.test(err.message)) return { kind: "refused", full: false };
  if (err.name === "MaxRetriesPerRequestError" || inFlightMessage.test(err.message)) return { kind: "unknown" };
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && socketCodes.has(code)) return { kind: "unknown" };
  return undefined;
}

export interface UnavailableOptions {
  /**
   * True when the call that failed came before anything of the request could be written (a
   * read, a rate-limit token): whatever reached Redis, the request changed nothing.
   */
  beforeAnyWrite?: boolean;
}

/** The 503 for a Redis failure, its message saying whether the request provably changed nothing. */
export function unavailableErrorOf(err: unknown, options: UnavailableOptions = {}): UnavailableError | undefined {
  const failure = redisFailureOf(err);
  if (!failure) return undefined;
  switch (failure.kind) {
    case "not_sent":
      return UnavailableError.unchanged("storage is unreachable", err);
    case "refused":
      return failure.full ? UnavailableError.unchanged("storage is full", err) : UnavailableError.unchanged("storage refused the write", err);
    case "unknown":
      return options.beforeAnyWrite ? UnavailableError.unchanged("storage did not answer", err) : UnavailableError.outcomeUnknown(err);
    default:
      return failure satisfies never;
  }
}

/**
 * Runs a step that writes nothing of the request (a read, a rate-limit token): a Redis failure
 * there is a 503 that says the request changed nothing, even after a time-out.
 */
export async function beforeAnyWrite<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    throw unavailableErrorOf(err, { beforeAnyWrite: true }) ?? err;
  }
}
