import type { z } from "zod";
import { ConfigError } from "../errors/index.js";

/**
 * Parses the environment once at start-up against a service's schema and freezes the result.
 * A bad value throws a {@link ConfigError} naming every offending variable, so the process stops
 * before it serves anything.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): Readonly<z.output<S>> {
  // Empty strings mean "not set": `FOO= npm start` must fall back to the default, not fail.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.map(String).join(".") || "(environment)";
      return `  ${name}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze(result.data) as Readonly<z.output<S>>;
}
