import type { FastifyReply } from "fastify";

/**
 * The contract's error body, the only one any service answers with:
 * `{"error": {"code", "message", "issues"?, "requestId"?}}`. Messages are written by us and never
 * quote the request's URL, headers or body (a URL or body may carry a wallet code or attacker markup).
 */

/** One failing field: a dotted path (`items.0.price`) and what is wrong with it. */
export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; issues?: ErrorIssue[]; requestId?: string; [detail: string]: unknown };
}

/** A client-facing error: its status and the fields of its body. */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  issues?: readonly ErrorIssue[] | undefined;
  /** Fields of the error object beside `code` and `message` that a client acts on (`refundableAmount`). */
  details?: Readonly<Record<string, string>> | undefined;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * The body; `issues` only when given (an empty list is kept: "see issues" with none is still a
 * list), `requestId` when given (every answer to a request; not an item of a batch's results).
 */
export function errorBody(error: Pick<HttpError, "code" | "message" | "issues" | "details">, requestId?: string): ErrorBody {
  const { code, message, issues, details } = error;
  return { error: { ...details, code, message, ...(issues ? { issues: [...issues] } : {}), ...(requestId === undefined ? {} : { requestId }) } };
}

/** Answers `error` with its status, headers and body, the request's id as `error.requestId` (the `Request-Id` header's). */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  // The type too: an error may interrupt a route that had already set another one (a QR image).
  return reply.code(error.status).type("application/json; charset=utf-8").send(errorBody(error, reply.request.id));
}
