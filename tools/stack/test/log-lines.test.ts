import { PassThrough } from "node:stream";
import { prettyFormatter } from "@oceanpos/core/logger";
import { describe, expect, it } from "vitest";
import { prefixLines } from "../src/log-lines.js";

async function linesOf(input: string, colour: number | undefined, format?: (line: string) => string): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  prefixLines(stream, "payer", colour, (l) => lines.push(l), format);
  stream.end(input);
  await new Promise((r) => stream.once("end", r));
  await new Promise((r) => setImmediate(r));
  return lines;
}

const record = `${JSON.stringify({ level: 30, time: "2026-01-01T10:11:12.345Z", service: "payer", msg: "ready", port: 3002 })}\n`;

describe("prefixLines", () => {
  it("prefixes every line and shows pino JSON in the services' pretty format", async () => {
    const lines = await linesOf(`${record}plain text\n`, undefined, prettyFormatter(false));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^payer {4}│ \[\d\d:\d\d:\d\d\.\d{3}\] INFO: ready \{"port":3002\}$/);
    expect(lines[1]).toBe("payer    │ plain text");
  });

  it("writes no escape sequence without colours, and colours when asked", async () => {
    const plain = await linesOf(record, undefined, prettyFormatter(false));
    expect(plain.join("")).not.toContain("\u001b[");
    const coloured = await linesOf(record, 33, prettyFormatter(true));
    expect(coloured[0]).toContain("\u001b[33mpayer");
    expect(coloured[0]).toContain("\u001b[32mINFO");
  });

  it("passes JSON through when no format is given (LOG_FORMAT=json)", async () => {
    expect(await linesOf(record, undefined)).toEqual([`payer    │ ${record.trim()}`]);
  });
});
