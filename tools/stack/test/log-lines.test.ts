import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { prefixLines } from "../src/log-lines.js";

describe("prefixLines", () => {
  it("prefixes every line and makes pino JSON readable", async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    prefixLines(input, "payer", 33, (l) => lines.push(l));
    input.end(`${JSON.stringify({ level: 30, time: "2026-01-01T10:11:12.345Z", service: "payer", msg: "ready", port: 3002 })}\nplain text\n`);
    await new Promise((r) => input.once("end", r));
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("payer");
    expect(lines[0]).toContain("10:11:12.345 info  ready  port=3002");
    expect(lines[1]).toMatch(/plain text$/);
  });
});
