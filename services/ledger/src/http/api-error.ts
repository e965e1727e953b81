import { AppError } from "@oceanpos/core/errors";

/** One failing parameter: its name and what is wrong with it. */
export interface Issue {
  path: string;
  message: string;
}

export type ApiErrorCode = "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "unavailable" | "internal";

/** An error answered as the contract's `{"error": {code, message, issues?, requestId}}` with `status`. */
export class ApiError extends AppError {
  readonly status: number;
  readonly issues: readonly Issue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: ApiErrorCode, message: string, options: { issues?: readonly Issue[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  toBody(requestId: string): { error: { code: string; message: string; issues?: Issue[]; requestId: string } } {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: [...this.issues] } : {}), requestId } };
  }
}

/** 400 naming every bad parameter. */
export function invalidRequest(issues: readonly Issue[]): ApiError {
  const names = [...new Set(issues.map((i) => i.path))].join(", ");
  return new ApiError(400, "invalid_request", `invalid parameter${issues.length > 1 ? "s" : ""}: ${names}`, { issues });
}

export function unauthorized(): ApiError {
  return new ApiError(401, "unauthorized", "a store API key or the operator token is required: Authorization: Bearer <token>", {
    headers: { "www-authenticate": 'Bearer realm="ledger"' },
  });
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, "forbidden", message);
}

/** PostgreSQL is unreachable or failing: nothing changed, retry later. */
export function unavailable(cause: unknown): ApiError {
  return new ApiError(503, "unavailable", "the archive is unavailable; retry later", { headers: { "retry-after": "1" }, cause });
}
