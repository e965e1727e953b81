import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { ShutdownCoordinator, type ShutdownCoordinatorOptions, type ShutdownStep } from "./shutdown-coordinator.js";

/**
 * The one shape of every service (intake, payer, notifier, ledger, sandbox). Its factory,
 * `create<Name>(config, deps)` in `src/<name>.ts`, builds everything from the parsed config and
 * the clients `main.ts` made, starts nothing and opens no port; `main.ts` then hands it to
 * {@link runService}, and tests build it the same way (and `inject()` into `app`).
 */
export interface Service {
  /** The HTTP server (API or ops routes), not listening. */
  readonly app: FastifyInstance;
  /** Starts the background work (workers, relay, drain, sweep…), after the app listens. */
  start(): Promise<void>;
  /**
   * The ordered shutdown: mark draining (readiness answers 503) → close HTTP (in-flight requests
   * finish) → stop the background work (work in hand finishes) → queues → connections. Each step
   * is safe to run twice.
   */
  readonly shutdownSteps: readonly ShutdownStep[];
  /** Runs every shutdown step in order (tests; `main.ts` hands the steps to the coordinator). */
  close(): Promise<void>;
}

/** A service's parts plus `close()`, which runs its shutdown steps in order. */
export function defineService<T extends Omit<Service, "close">>(parts: T): T & Service {
  return {
    ...parts,
    async close() {
      for (const step of parts.shutdownSteps) await step.close();
    },
  };
}

export interface RunServiceOptions {
  /** Shown in the "ready" and "failed to start" lines. */
  name: string;
  logger: Logger;
  /** `SHUTDOWN_TIMEOUT_MS`. */
  timeoutMs: number;
  /** The listen address (`<NAME>_PORT`, `<NAME>_HOST`). */
  port: number;
  host: string;
  /** More fields for the "ready" line. */
  readyFields?: Record<string, unknown>;
  /** Where signals come from and how the process ends; default `process` (tests pass their own). */
  process?: Pick<ShutdownCoordinatorOptions, "signals" | "exit">;
}

/**
 * What every `main.ts` ends with: the shutdown steps wired to SIGTERM/SIGINT, then listen first
 * (`/readyz` answers 503 until the dependencies answer, and nothing is refused at the door) and
 * start the background work. A failure to start runs the shutdown and exits 1. Resolves with the
 * coordinator once started (or stopped).
 */
export async function runService(service: Service, options: RunServiceOptions): Promise<ShutdownCoordinator> {
  const { logger, name } = options;
  const shutdown = new ShutdownCoordinator({ logger, timeoutMs: options.timeoutMs, ...options.process });
  for (const step of service.shutdownSteps) shutdown.add(step.name, step.close);
  shutdown.listen();
  try {
    await service.app.listen({ port: options.port, host: options.host });
    await service.start();
    logger.info({ port: options.port, ...options.readyFields }, `${name} ready`);
  } catch (err) {
    logger.fatal({ err }, `${name} failed to start`);
    await shutdown.shutdown("error");
  }
  return shutdown;
}
