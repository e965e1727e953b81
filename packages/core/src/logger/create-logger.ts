import { pino, type Logger } from "pino";
import { LogDestination } from "./log-destination.js";

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
    options.destination ?? new LogDestination(),
  );
}
