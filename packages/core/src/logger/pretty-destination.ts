import { prettyFactory } from "pino-pretty";
import type { LogDestination } from "./log-destination.js";

/**
 * pino JSON line → one readable line, ending in a newline (`[12:00:01.234] INFO: request
 * {"method":"GET",…}`): the `pretty` log format, also what `npm start` shows of its processes.
 */
export function prettyFormatter(colour: boolean): (jsonLine: string) => string {
  return prettyFactory({ colorize: colour, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service", singleLine: true });
}

/**
 * pino's destination in the `pretty` format: each JSON line, already redacted by pino, becomes
 * one readable line ({@link prettyFormatter}) written to `target`.
 * Formatted here, on the logging thread, rather than by pino-pretty as a transport (a worker
 * thread and its own stream): the {@link LogDestination} below keeps its guarantees (a lost
 * reader drops lines, a stalled one never blocks), and shutdown's flush reaches it.
 */
export class PrettyDestination {
  private readonly format: (line: string) => string;

  constructor(
    private readonly target: LogDestination | NodeJS.WritableStream,
    colour: boolean,
  ) {
    this.format = prettyFormatter(colour);
  }

  write(line: string): boolean {
    this.target.write(this.format(line));
    return true;
  }

  flush(cb: (err?: Error | null) => void = () => {}): void {
    const target = this.target as { flush?: (cb: (err?: Error | null) => void) => void };
    if (typeof target.flush === "function") target.flush(cb);
    else process.nextTick(cb);
  }
}
