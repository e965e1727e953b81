import type { z } from "zod";
import { type Issue, invalidRequest } from "./api-error.js";

/** Parses query parameters with `schema`; a failure is a 400 naming every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const issues: Issue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues.push({ path: key, message: "is not a known parameter" });
    } else {
      // A repeated parameter arrives as an array: one value is expected.
      issues.push({ path: issue.path.map(String).join(".") || "(query)", message: issue.code === "invalid_type" && Array.isArray(issue.input) ? "must be given once" : issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message });
    }
  }
  throw invalidRequest(issues);
}
