import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, loggerOptionsOf } from "./index.js";

describe("logger", () => {
  it("never writes secrets, keys or wallet codes", async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    const logger = createLogger({ name: "test", destination: out });
    logger.info(
      {
        secureCode: "12345678",
        signValue: "abcdef",
        authCode: "134567890123456789",
        req: { headers: { authorization: "Bearer demo-key" } },
        form: { pay_accountNumber: "134567890123456789", signValue: "ff" },
        store: { oceanpayment: { secureCode: "12345678" } },
        orderNumber: "NO1",
      },
      "submitting",
    );
    logger.flush();
    const text = lines.join("");
    expect(text).toContain("NO1");
    for (const secret of ["12345678", "abcdef", "134567890123456789", "demo-key"]) expect(text).not.toContain(secret);
  });
});

describe("the pretty format", () => {
  function capture(options: { colour?: boolean; isTTY?: boolean } = {}) {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    if (options.isTTY) out.isTTY = true;
    const chunks: string[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    const logger = createLogger({ name: "test", destination: out, format: "pretty", ...(options.colour === undefined ? {} : { colour: options.colour }) });
    return { logger, text: () => chunks.join("") };
  }

  it("writes one readable line per record, still redacted", () => {
    const { logger, text } = capture();
    logger.info({ requestId: "r-1", secureCode: "12345678", req: { headers: { authorization: "Bearer demo-key" } } }, "request");
    logger.warn("second");
    const lines = text().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{.*"requestId":"r-1"/);
    expect(lines[1]).toMatch(/WARN: second$/);
    expect(text()).not.toContain("12345678");
    expect(text()).not.toContain("demo-key");
  });

  it("colours only a terminal, unless told (NO_COLOR)", () => {
    const pipe = capture();
    pipe.logger.info("x");
    expect(pipe.text()).not.toContain("\u001b[");
    const terminal = capture({ isTTY: true });
    terminal.logger.info("x");
    expect(terminal.text()).toContain("\u001b[32mINFO");
    const noColour = capture({ isTTY: true, colour: false });
    noColour.logger.info("x");
    expect(noColour.text()).not.toContain("\u001b[");
  });

  it("follows LOG_FORMAT, NODE_ENV and NO_COLOR", () => {
    expect(loggerOptionsOf({ NODE_ENV: "development", LOG_LEVEL: "info" })).toEqual({ level: "info", format: "pretty" });
    expect(loggerOptionsOf({ NODE_ENV: "production", LOG_LEVEL: "warn" })).toEqual({ level: "warn", format: "json" });
    expect(loggerOptionsOf({ NODE_ENV: "test", LOG_LEVEL: "info" }).format).toBe("json");
    expect(loggerOptionsOf({ NODE_ENV: "production", LOG_LEVEL: "info", LOG_FORMAT: "pretty", NO_COLOR: "1" })).toEqual({ level: "info", format: "pretty", colour: false });
    expect(loggerOptionsOf({ NODE_ENV: "development", LOG_LEVEL: "info", LOG_FORMAT: "json", NO_COLOR: "" })).toEqual({ level: "info", format: "json" });
  });
});
