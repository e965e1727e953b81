import { z } from "zod";

/** `"true"` or `"false"` only: `"1"`, `"yes"` or `"False"` are configuration mistakes, not truthy. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default(defaultValue ? "true" : "false")
    .transform((v) => v === "true");

/** A TCP port (0 lets the OS choose, which tests use). */
export const envPort = (defaultValue: number) =>
  z.coerce
    .number({ error: "must be a port number" })
    .int("must be an integer")
    .min(0, "must be 0-65535")
    .max(65535, "must be 0-65535")
    .default(defaultValue);

/** A non-negative whole number of milliseconds. */
export const envDurationMs = (defaultValue: number) =>
  z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(0, "must not be negative")
    .default(defaultValue);

/** A comma-separated list, trimmed, empty items dropped. */
export const envList = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
