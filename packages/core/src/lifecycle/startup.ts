import { AppError } from "../errors/index.js";

/**
 * Runs a start-up step (reading configuration, the stores file). A configuration mistake stops
 * the process with its message on stderr and exit code 1, not with a stack trace.
 */
export function startup<T>(service: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`${service}: cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
