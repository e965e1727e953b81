import { PassThrough } from "node:stream";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { lazyRequestLogger } from "./request-logger.js";

describe("lazyRequestLogger", () => {
  it("writes what a pino child would, reqId included, and skips disabled levels", async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    const app = Fastify({ loggerInstance: pino({ level: "warn" }, out) as FastifyBaseLogger, childLoggerFactory: lazyRequestLogger });
    app.get("/", async (request) => {
      request.log.info({ n: 1 }, "not written");
      request.log.warn({ n: 2 }, "written");
      request.log.child({ k: "v" }).error("nested");
      return {};
    });
    const res = await app.inject({ method: "GET", url: "/" });
    await app.close();
    expect(res.statusCode).toBe(200);
    const records = lines.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.msg)).toEqual(["written", "nested"]);
    expect(records[0]).toMatchObject({ reqId: "req-1", n: 2, level: 40 });
    expect(records[1]).toMatchObject({ reqId: "req-1", k: "v", level: 50 });
  });
});
