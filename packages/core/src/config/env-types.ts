import { z } from "zod";

/**
 * The zod types of environment variables, shared by every service's `config.ts`: a variable's
 * default is written once, in its service's schema, with one of these. Numbers are coerced from
 * the environment's strings; every message names what is wrong, `loadConfig` adds the variable.
 */

/** Inclusive bounds of a number; a missing bound is not checked. */
export interface EnvBounds {
  min?: number;
  max?: number;
}

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

/** The address a server listens on. */
export const envHost = (defaultValue = "127.0.0.1") => z.string().min(1).default(defaultValue);

/** A whole number of milliseconds, at least `min` (default 0) and at most `max` when given. */
export const envDurationMs = (defaultValue: number, bounds: EnvBounds = {}) => {
  const min = bounds.min ?? 0;
  const ms = z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(min, min === 0 ? "must not be negative" : `must be at least ${min}`);
  return (bounds.max === undefined ? ms : ms.max(bounds.max, `must be at most ${bounds.max}`)).default(defaultValue);
};

/** A whole number from `min` (default 1) to `max`: counts, sizes, concurrency. */
export const envPositiveInt = (defaultValue: number, bounds: EnvBounds & { max: number }) => {
  const min = bounds.min ?? 1;
  return z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(bounds.max, `must be at most ${bounds.max}`)
    .default(defaultValue);
};

/** A finite number greater than 0 (rates). */
export const envPositiveNumber = (defaultValue: number) =>
  z.coerce.number({ error: "must be a number" }).positive("must be greater than 0").finite().default(defaultValue);

/** An http:// or https:// base URL, trailing slashes removed (paths are appended to it). */
export const envHttpUrl = (defaultValue: string) =>
  z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL")
    .default(defaultValue)
    .transform((v) => v.replace(/\/+$/, ""));

/** A Redis stream consumer group name shared by a service's replicas. */
export const envConsumerGroup = (defaultValue: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ -")
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

/** `2000,5000,…`: whole milliseconds ≥ 1, at least one (a schedule whose last delay repeats). */
export const envDurationList = (defaultValue: readonly number[]) =>
  z
    .string()
    .default(defaultValue.join(","))
    .transform((v, ctx) => {
      const values = v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .map(Number);
      if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1)) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of whole milliseconds ≥ 1" });
        return z.NEVER;
      }
      return values;
    });

/**
 * `https://pos.example.com,http://localhost:5173`: browser origins (scheme, host and port only,
 * as a browser sends them in `Origin`), none by default. A path, a trailing slash or a `*` is a
 * mistake named in the message: CORS matches origins exactly.
 */
export const envOrigins = () =>
  envList("").superRefine((origins, ctx) => {
    for (const origin of origins) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
        ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin: write scheme://host[:port], e.g. https://pos.example.com` });
      }
    }
  });
const databaseUrl = () => z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL");
/** `DATABASE_URL`: the PostgreSQL archive (the ledger writes it; the intake reads archived payments from it). */
export const envDatabaseUrl = (defaultValue = "postgres://postgres@127.0.0.1:5432/oceanpos") => databaseUrl().default(defaultValue);
/** `DATABASE_URL` of a service that runs without the archive when it is unset (the notifier). */
export const envOptionalDatabaseUrl = () => databaseUrl().optional();
