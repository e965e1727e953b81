import type { z } from "zod";
import { InvalidRequestError, type Issue } from "./errors.js";

/** Parses `data` with `schema`; on failure throws an {@link InvalidRequestError} listing every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = safeParseIssues(schema, data);
  if (!result.ok) throw new InvalidRequestError(result.issues);
  return result.value;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export function safeParseIssues<S extends z.ZodType>(schema: S, data: unknown): ParseResult<z.output<S>> {
  // reportInput lets us tell "missing" from "wrong type"; inputs are never copied into messages
  // (they may hold a wallet payment code).
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: toIssues(result.error.issues) };
}

/** Zod issues as the contract's `{path, message}` list: one entry per failing field. */
export function toIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key].join("."), message: "is not a known field" });
      continue;
    }
    const missing = issue.code === "invalid_type" && "input" in issue && issue.input === undefined;
    out.push({ path: path.join("."), message: missing ? "is required" : issue.message });
  }
  return out;
}
