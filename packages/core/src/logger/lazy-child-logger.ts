import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from "pino";

/** What code holding a per-request or per-job logger may call on it. */
export type ChildLogger = Pick<Logger, "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent" | "isLevelEnabled" | "level"> & {
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger;
};

/**
 * A child of `parent` with `bindings`, made only when something is logged at an enabled level.
 * A pino child serialises its bindings and runs them through redaction when it is created: per
 * request or per job that cost 2–5 % of a service's CPU, although at `warn` almost nothing logs.
 * What is written, and with which bindings, is unchanged.
 */
export function lazyChildLogger(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): ChildLogger {
  // Methods on the prototype, not per-instance closures: one small object per request or job.
  return new LazyChildLogger(parent, bindings, options);
}

class LazyChildLogger {
  private real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions | undefined,
  ) {}

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return (this.real ?? this.parent).isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    this.log("fatal", args);
  }
  error(...args: unknown[]): void {
    this.log("error", args);
  }
  warn(...args: unknown[]): void {
    this.log("warn", args);
  }
  info(...args: unknown[]): void {
    this.log("info", args);
  }
  debug(...args: unknown[]): void {
    this.log("debug", args);
  }
  trace(...args: unknown[]): void {
    this.log("trace", args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger().child(bindings, options);
  }

  private log(level: Level, args: unknown[]): void {
    if (this.real === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.logger()[level] as (...a: unknown[]) => void)(...args);
  }

  private logger(): Logger {
    this.real ??= this.parent.child(this.bindings, this.options);
    return this.real;
  }
}
