import type { Logger } from "pino";

export interface ShutdownStep {
  /** Shown in logs, e.g. "http", "workers", "redis". */
  name: string;
  close: () => Promise<void> | void;
}

export interface ShutdownCoordinatorOptions {
  logger: Logger;
  /** The whole shutdown must finish within this; default 10 000 ms. */
  timeoutMs?: number;
  /** Ends the process; default `process.exit`. Tests pass their own. */
  exit?: (code: number) => void;
  /** Where signals come from; default `process`. */
  signals?: NodeJS.EventEmitter;
}

const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof signalNumbers;

/**
 * Runs the shutdown steps once, in the order they were added (HTTP first, then workers, then
 * queues and Redis), each after the previous one finished, then waits for the logs to be
 * written. A second signal does not start a second shutdown; a deadline bounds the whole thing,
 * log flushing included (a lost log pipe never holds the process). Exit code: 128 + signal
 * number, or 1 when a step failed or the deadline passed.
 */
export class ShutdownCoordinator {
  private readonly steps: ShutdownStep[] = [];
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;
  private readonly signals: NodeJS.EventEmitter;
  private running: Promise<number> | undefined;
  private readonly listeners = new Map<HandledSignal, () => void>();

  constructor(options: ShutdownCoordinatorOptions) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.signals = options.signals ?? process;
  }

  /** Adds a step; steps run in the order added. */
  add(name: string, close: ShutdownStep["close"]): this {
    this.steps.push({ name, close });
    return this;
  }

  /** Listens for SIGINT and SIGTERM. */
  listen(): this {
    for (const signal of Object.keys(signalNumbers) as HandledSignal[]) {
      const listener = () => {
        void this.shutdown(signal);
      };
      this.listeners.set(signal, listener);
      this.signals.on(signal, listener);
    }
    return this;
  }

  /** Runs the steps (once, whatever the number of calls) and then exits. Resolves with the exit code. */
  shutdown(reason: HandledSignal | "error" = "SIGTERM"): Promise<number> {
    if (this.running) {
      this.logger.info({ reason }, "shutdown already in progress");
      return this.running;
    }
    this.running = this.run(reason);
    return this.running;
  }

  private async run(reason: HandledSignal | "error"): Promise<number> {
    const deadlineAt = Date.now() + this.timeoutMs;
    this.logger.info({ reason, timeoutMs: this.timeoutMs }, "shutting down");
    let timer: NodeJS.Timeout | undefined;
    // Kept referenced: the deadline holds even if the steps wait on nothing that keeps Node alive.
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    let failed = false;
    const steps = (async () => {
      for (const step of this.steps) {
        const started = Date.now();
        try {
          await step.close();
          this.logger.info({ step: step.name, ms: Date.now() - started }, "closed");
        } catch (err) {
          failed = true;
          this.logger.error({ step: step.name, err }, "shutdown step failed");
        }
      }
      return "done" as const;
    })();
    const outcome = await Promise.race([steps, deadline]);
    clearTimeout(timer);
    for (const [signal, listener] of this.listeners) this.signals.off(signal, listener);
    let code = reason === "error" ? 1 : 128 + signalNumbers[reason];
    if (outcome === "timeout") {
      this.logger.error({ timeoutMs: this.timeoutMs }, "shutdown deadline passed; exiting anyway");
      code = 1;
    } else if (failed) {
      code = 1;
    }
    // The last lines get out if the log reader takes them before the deadline; a lost or stalled
    // one costs at most the time left, never the exit.
    await flushWithin(this.logger, deadlineAt - Date.now());
    this.exit(code);
    return code;
  }
}

/** Waits for the logger's destination to take what it holds, at most `ms`. */
function flushWithin(logger: Logger, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      // A destination that cannot flush (already closed) has nothing more to give.
      done();
    }
  });
}
