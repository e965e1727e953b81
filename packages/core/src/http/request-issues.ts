import type { z } from "zod";
import { InvalidRequestError, type RequestPart } from "./api-error.js";
import type { ErrorIssue } from "./error-body.js";

export type ParsedRequest<T> = { ok: true; value: T } | { ok: false; issues: ErrorIssue[] };

/** Parses `data` with `schema`; a failure lists every failing field as {@link requestIssues}. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown, part: RequestPart = "body"): ParsedRequest<z.output<S>> {
  // reportInput tells "missing" from "wrong type"; inputs are never copied into messages (they
  // may hold a wallet payment code).
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: requestIssues(result.error.issues, part) };
}

/** The parsed value, or an {@link InvalidRequestError} (400 naming every failing field) thrown. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, part: RequestPart = "body"): z.output<S> {
  const parsed = parseRequest(schema, data, part);
  if (!parsed.ok) throw new InvalidRequestError(parsed.issues, { part });
  return parsed.value;
}

/**
 * Zod issues as the contract's `issues[]`, the one mapping every service uses: one entry per
 * failing field (a dotted path, `""` for the request as a whole), one per unknown key, "is
 * required" for a missing value, "must be given once" for a repeated query parameter.
 */
export function requestIssues(issues: readonly z.core.$ZodIssue[], part: RequestPart = "body"): ErrorIssue[] {
  const out: ErrorIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const unknown = part === "query" ? "is not a known parameter" : "is not a known field";
      for (const key of issue.keys) out.push({ path: [...path, key].join("."), message: unknown });
      continue;
    }
    out.push({ path: path.join("."), message: messageOf(issue, part) });
  }
  return out;
}

function messageOf(issue: z.core.$ZodIssue, part: RequestPart): string {
  if (issue.code !== "invalid_type" || !("input" in issue)) return issue.message;
  if (issue.input === undefined) return "is required";
  // A query parameter given twice arrives as an array where one value is expected.
  if (part === "query" && Array.isArray(issue.input)) return "must be given once";
  return issue.message;
}
