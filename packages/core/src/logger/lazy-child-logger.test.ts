import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.js";
import { lazyChildLogger } from "./lazy-child-logger.js";

function capture() {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
  const logger = createLogger({ name: "test", level: "warn", destination: out });
  let childrenMade = 0;
  const original = logger.child;
  // Children inherit this property: `this` keeps each one's own bindings.
  logger.child = function (this: typeof logger, ...args: Parameters<typeof original>) {
    childrenMade++;
    return original.apply(this, args);
  } as typeof original;
  const records = () => {
    logger.flush();
    return lines.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { logger, records, childrenMade: () => childrenMade };
}

describe("lazyChildLogger", () => {
  it("makes no pino child while nothing is logged at an enabled level", () => {
    const { logger, records, childrenMade } = capture();
    const log = lazyChildLogger(logger, { jobId: "j1" });
    log.info({ n: 1 }, "below the level");
    log.debug("below the level");
    expect(log.isLevelEnabled("info")).toBe(false);
    expect(log.isLevelEnabled("warn")).toBe(true);
    expect(childrenMade()).toBe(0);
    expect(records()).toEqual([]);
  });

  it("writes what a pino child would: its bindings, redacted, on every later line", () => {
    const { logger, records, childrenMade } = capture();
    const log = lazyChildLogger(logger, { jobId: "j1", secureCode: "12345678" });
    log.warn({ n: 2 }, "first");
    log.error("second");
    expect(childrenMade()).toBe(1);
    log.child({ k: "v" }).error("nested");
    const written = records();
    expect(written.map((r) => r.msg)).toEqual(["first", "second", "nested"]);
    for (const r of written) expect(r).toMatchObject({ jobId: "j1" });
    expect(written[0]).toMatchObject({ n: 2, level: 40 });
    expect(written[2]).toMatchObject({ k: "v", level: 50 });
    expect(JSON.stringify(written)).not.toContain("12345678");
  });
});
