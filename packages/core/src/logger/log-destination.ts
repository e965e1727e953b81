import type { Writable } from "node:stream";

export interface LogDestinationOptions {
  /**
   * Where lines go; default `process.stdout`. For a pipe or a socket (a log collector, `docker
   * logs`, a parent process) Node writes without blocking and queues what the reader has not
   * taken yet; a file is written synchronously.
   */
  stream?: Writable;
  /** Bytes queued for a reader that stopped reading before new lines are dropped; default 8 MiB. */
  maxQueuedBytes?: number;
}

/**
 * The logger's destination in a service: a lost log destination never blocks the process.
 * - A reader that is gone (its parent or log collector died: EPIPE, EBADF, EIO…): that line and
 *   every later one are dropped; the error is swallowed (an `error` event on stdout would
 *   otherwise crash the process).
 * - A reader that stopped reading: lines queue in memory up to `maxQueuedBytes`, then new ones
 *   are dropped until it catches up.
 * - `flush(cb)` calls back once everything queued was written or the destination was lost; the
 *   caller bounds the wait (the shutdown deadline).
 *
 * Not `pino.destination()`: sonic-boom's exit hook rewrites unwritten lines with `fs.writeSync`
 * in a loop that sleeps 100 ms on the main thread after any error and never gives up on EPIPE
 * (a service whose parent died then ignores every further SIGTERM), and its `fs.write` blocks a
 * thread-pool thread on a stalled pipe, which `process.exit` then waits for.
 */
export class LogDestination {
  /** Where lines go (a terminal, a pipe, a file). */
  readonly stream: Writable;
  private readonly maxQueuedBytes: number;
  private listening = false;
  private lostWith: string | undefined;
  private droppedLines = 0;

  constructor(options: LogDestinationOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 8 * 1024 * 1024;
  }

  /** Lines dropped so far (destination lost or queue full). */
  get dropped(): number {
    return this.droppedLines;
  }

  /** The error code that lost the destination (`EPIPE`…), undefined while it works. */
  get lostCode(): string | undefined {
    return this.lostWith;
  }

  /** pino's write: never throws, never blocks. */
  write(line: string): boolean {
    if (!this.listening) {
      // Only a logger that writes listens: `silent` test loggers add nothing to process.stdout.
      this.listening = true;
      this.stream.on("error", this.lose);
    }
    if (this.lostWith !== undefined || this.stream.destroyed || this.stream.writableLength > this.maxQueuedBytes) {
      this.droppedLines++;
      return true;
    }
    try {
      this.stream.write(line);
    } catch (err) {
      this.lose(err as NodeJS.ErrnoException);
    }
    return true;
  }

  /** Calls back once every queued line was written, or at once when nothing is queued or the destination is lost. */
  flush(cb: (err?: Error | null) => void = () => {}): void {
    if (this.lostWith !== undefined || this.stream.destroyed || this.stream.writableLength === 0) {
      process.nextTick(cb);
      return;
    }
    // Writes complete in order: the callback of an empty write runs after every line before it.
    this.stream.write("", () => cb());
  }

  private readonly lose = (err: NodeJS.ErrnoException): void => {
    this.lostWith ??= err.code ?? err.name;
  };
}
