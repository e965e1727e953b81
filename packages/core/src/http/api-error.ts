import { AppError } from "../errors/index.js";
import type { ErrorIssue, HttpError } from "./error-body.js";

/** What a schema parsed: a JSON body or a query string (their unknown keys are fields or parameters). */
export type RequestPart = "body" | "query";

/**
 * An error a route throws to answer the client: status, stable code, message, issues and extra
 * headers. The service's error handler answers it with `sendError`; anything else thrown is
 * mapped by that handler (a dependency failure, a bug).
 */
export class ApiError extends AppError implements HttpError {
  readonly status: number;
  readonly issues: readonly ErrorIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, string>> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { issues?: readonly ErrorIssue[]; headers?: Record<string, string>; details?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }
}

/**
 * `400 invalid_request` listing every failing field (see `requestIssues`); the message names them
 * ("invalid fields: amount, items.0.price", "invalid parameter: limit") unless one is given.
 */
export class InvalidRequestError extends ApiError {
  constructor(issues: readonly ErrorIssue[], options: { part?: RequestPart; message?: string } = {}) {
    super(400, "invalid_request", options.message ?? namesOf(issues, options.part ?? "body"), { issues });
  }
}

function namesOf(issues: readonly ErrorIssue[], part: RequestPart): string {
  const names = [...new Set(issues.map((i) => i.path || "(request)"))];
  const noun = part === "query" ? "parameter" : "field";
  return `invalid ${noun}${names.length > 1 ? "s" : ""}: ${names.join(", ")}`;
}
