import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/**
 * Prints a child's output line by line behind a `name │ ` prefix (coloured when `colour` is),
 * each pino JSON line through `format` when given (the services' own pretty format), any other
 * line as it is.
 */
export function prefixLines(stream: Readable, name: string, colour: number | undefined, write: (line: string) => void, format?: (jsonLine: string) => string): void {
  const prefix = colour === undefined ? `${name.padEnd(8)} │ ` : `\u001b[${colour}m${name.padEnd(8)}\u001b[0m │ `;
  createInterface({ input: stream }).on("line", (line) => write(prefix + (format && line.startsWith("{") ? readable(line, format) : line)));
}

function readable(line: string, format: (jsonLine: string) => string): string {
  try {
    return format(line).replace(/\n$/, "");
  } catch {
    return line;
  }
}
