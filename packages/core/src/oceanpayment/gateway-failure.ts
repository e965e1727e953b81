/**
 * Outcomes shared by every operation when the gateway's answer is missing or unusable, and the one
 * place that decides, from an undici error or an HTTP status, whether a request provably never
 * reached Oceanpayment (retryable) or may have been processed (ambiguous).
 */

export type RetryableReason =
  /** Connection refused, DNS failure, connect time-out: no byte of the request left this host. */
  | "not_sent"
  /** 5xx answered instead of an XML response. */
  | "http_5xx"
  /** Rate limited: the request was turned away. */
  | "http_429"
  /** `close()` was called before the request: nothing was sent. */
  | "client_closed";

export type AmbiguousReason =
  /** The request may have been written before the connection failed (reset, socket closed, abort). */
  | "maybe_sent"
  /** Our deadline, or undici's headers/body time-out, fired after the request may have been sent. */
  | "timeout"
  /** 80031: Oceanpayment itself timed out and does not know the outcome. */
  | "gateway_timeout"
  /** The body is not a well-formed, expected document (HTML error page, garbage, too large…). */
  | "unparseable"
  /** The response's signValue does not verify: it is never trusted, least of all as a success. */
  | "signature_invalid"
  /** The response is about another account, terminal, order number, currency or amount. */
  | "mismatch"
  /** 5xx where a resend could move money twice (refunds). */
  | "http_5xx";

export interface RetryableFailure {
  kind: "retryable";
  reason: RetryableReason;
  message: string;
  statusCode?: number;
  cause?: unknown;
}

export interface AmbiguousFailure {
  kind: "ambiguous";
  reason: AmbiguousReason;
  message: string;
  statusCode?: number;
  /** Gateway code when one was read (e.g. 80031). */
  code?: string;
  /** A `mismatch`: the answer's field that is not ours (e.g. `refund_amount`), when one was named. */
  field?: string;
  cause?: unknown;
}

export type GatewayFailure = RetryableFailure | AmbiguousFailure;

/**
 * Error codes raised before a connection exists, hence before any request byte is written. undici
 * writes the request only once connected (and, for TLS, after the handshake).
 */
const notSentCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Codes that say "time-out after the request may have been sent". Everything unknown is ambiguous too. */
const timeoutCodes: ReadonlySet<string> = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // Some wrappers carry the system error as `cause`; one level is enough for undici.
  const cause = (error as { cause?: unknown }).cause;
  const inner = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof inner === "string" ? inner : undefined;
}

/** True only when every path of the error says "never connected" (happy-eyeballs gives an AggregateError). */
function provablyNotSent(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.every(provablyNotSent);
  const code = errorCode(error);
  return code !== undefined && notSentCodes.has(code);
}

/**
 * Classifies a thrown request error. `deadlineExpired` is true when our own overall deadline aborted
 * the request. When unsure, ambiguous: a stale keep-alive socket closed by the server can give
 * ECONNRESET / UND_ERR_SOCKET on a request that was never processed, but we cannot tell it apart
 * from a reset after processing, and an ambiguous payment is settled safely by a query.
 */
export function classifyTransportError(error: unknown, deadlineExpired: boolean): GatewayFailure {
  const code = errorCode(error) ?? (error instanceof Error ? error.name : "unknown");
  if (deadlineExpired) {
    return { kind: "ambiguous", reason: "timeout", message: "deadline expired before a complete response", cause: error };
  }
  if (provablyNotSent(error)) {
    return { kind: "retryable", reason: "not_sent", message: `request not sent (${code})`, cause: error };
  }
  if (timeoutCodes.has(code)) {
    return { kind: "ambiguous", reason: "timeout", message: `time-out after sending (${code})`, cause: error };
  }
  return { kind: "ambiguous", reason: "maybe_sent", message: `connection failed after sending (${code})`, cause: error };
}

/**
 * An HTTP status that ends classification before the body is read, or undefined to read the body.
 * 5xx is retryable where a resend is harmless (pay: a resend of an order that went through answers
 * 20061; query; void) and ambiguous where `moneyOut` (refund: duplicate protection unconfirmed).
 */
export function classifyHttpStatus(statusCode: number, moneyOut = false): GatewayFailure | undefined {
  if (statusCode === 429) return { kind: "retryable", reason: "http_429", message: "rate limited (429)", statusCode };
  if (statusCode >= 500) {
    const message = `gateway answered HTTP ${statusCode}`;
    return moneyOut
      ? { kind: "ambiguous", reason: "http_5xx", message, statusCode }
      : { kind: "retryable", reason: "http_5xx", message, statusCode };
  }
  return undefined;
}
