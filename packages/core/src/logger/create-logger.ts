import { pino, type Logger } from "pino";
import { LogDestination } from "./log-destination.js";
import { PrettyDestination } from "./pretty-destination.js";

export type { Logger };

/**
 * Paths pino censors wherever they appear (one level of nesting is covered by the `*.` forms).
 * Wallet payment codes travel as `authCode` (our API) and `pay_accountNumber` (Oceanpayment).
 */
export const redactPaths: readonly string[] = [
  "secureCode",
  "signValue",
  "apiKey",
  "apiKeys",
  "authCode",
  "pay_accountNumber",
  "authorization",
  "password",
  "secret",
  "token",
  "adminToken",
  "ADMIN_TOKEN",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  ...[
    "secureCode",
    "signValue",
    "apiKey",
    "apiKeys",
    "authCode",
    "pay_accountNumber",
    "authorization",
    "secret",
    "token",
  ].flatMap((k) => [`*.${k}`, `*.*.${k}`]),
];

export interface LoggerOptions {
  /** Process name, added to every line as `service`. */
  name: string;
  /** pino level; default `info`. */
  level?: string;
  /**
   * Where lines go; default stdout through a {@link LogDestination}, which drops lines rather
   * than block the process when the reader is gone or stalled. Tests pass a stream to read what
   * was logged.
   */
  destination?: NodeJS.WritableStream | LogDestination;
  /**
   * `json` (default): one JSON object per line, for log collectors. `pretty`: one readable line
   * per record through pino-pretty (`LOG_FORMAT`, the default under `NODE_ENV=development`).
   */
  format?: "json" | "pretty";
  /**
   * Colours in the `pretty` format; default: only when the destination is a terminal (stdout by
   * default). `NO_COLOR` set makes it false.
   */
  colour?: boolean;
}

/** The one logger of a process, created in `main.ts` and passed down (children add context). */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.name },
      redact: { paths: [...redactPaths], censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.format === "pretty" ? prettyDestination(options) : (options.destination ?? new LogDestination()),
  );
}

function prettyDestination(options: LoggerOptions): PrettyDestination {
  const target = options.destination ?? new LogDestination();
  const stream = target instanceof LogDestination ? target.stream : target;
  return new PrettyDestination(target, options.colour ?? (stream as { isTTY?: boolean }).isTTY === true);
}

/** The variables a service's logger follows (every service's config has them). */
export interface LogConfig {
  NODE_ENV: string;
  LOG_LEVEL: string;
  LOG_FORMAT?: "json" | "pretty" | undefined;
  NO_COLOR?: string | undefined;
}

/**
 * `createLogger`'s options from a service's config: `LOG_LEVEL`; `LOG_FORMAT`, unset meaning
 * `pretty` under `NODE_ENV=development` (a person reads the terminal) and `json` otherwise
 * (production, tests: a machine reads it); `NO_COLOR` (set, not empty) turns colours off.
 */
export function loggerOptionsOf(config: LogConfig): Pick<LoggerOptions, "level" | "format" | "colour"> {
  return {
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT ?? (config.NODE_ENV === "development" ? "pretty" : "json"),
    ...(config.NO_COLOR ? { colour: false } : {}),
  };
}
