import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

const levels: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const hidden = new Set(["level", "time", "service", "msg", "pid", "hostname"]);

/** Prints a child's output line by line with a coloured `[name]` prefix; pino JSON made readable. */
export function prefixLines(stream: Readable, name: string, colour: number, write: (line: string) => void): void {
  const prefix = `\u001b[${colour}m${name.padEnd(8)}\u001b[0m │ `;
  createInterface({ input: stream }).on("line", (line) => write(prefix + readable(line)));
}

function readable(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = typeof entry.time === "string" ? entry.time.slice(11, 23) : "";
    const level = levels[entry.level as number] ?? String(entry.level);
    const extra = Object.entries(entry)
      .filter(([k]) => !hidden.has(k))
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${time} ${level.padEnd(5)} ${String(entry.msg ?? "")}${extra ? `  ${extra}` : ""}`;
  } catch {
    return line;
  }
}
