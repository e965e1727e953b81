import { EventEmitter } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type Service, defineService, runService } from "./index.js";

const logger = pino({ level: "silent" });

/** A service whose every step says what happened, in order. */
function recordingService(events: string[]): Service {
  const app = Fastify();
  app.get("/healthz", async () => ({ status: "ok" }));
  return defineService({
    app,
    start: async () => {
      events.push(`start (listening: ${app.server.listening})`);
    },
    shutdownSteps: [
      { name: "mark-draining", close: () => void events.push("mark-draining") },
      { name: "http", close: async () => {
        events.push("http");
        await app.close();
      } },
      { name: "redis", close: () => void events.push("redis") },
    ],
  });
}

describe("the service shape", () => {
  const blockers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((b) => new Promise((resolve) => b.close(resolve))));
  });

  it("listens, then starts, and on SIGTERM runs the steps once, in order", async () => {
    const events: string[] = [];
    const signals = new EventEmitter();
    const exits: number[] = [];
    const service = recordingService(events);
    const shutdown = await runService(service, { name: "test", logger, timeoutMs: 2_000, port: 0, host: "127.0.0.1", process: { signals, exit: (code) => exits.push(code) } });
    expect(events).toEqual(["start (listening: true)"]);
    const port = (service.app.server.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    signals.emit("SIGTERM");
    signals.emit("SIGTERM");
    expect(await shutdown.shutdown("SIGTERM")).toBe(143);
    expect(events).toEqual(["start (listening: true)", "mark-draining", "http", "redis"]);
    expect(exits).toEqual([143]);
  });

  it("stops with exit code 1 when it cannot listen, without starting", async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const events: string[] = [];
    const exits: number[] = [];
    await runService(recordingService(events), { name: "test", logger, timeoutMs: 2_000, port: taken, host: "127.0.0.1", process: { signals: new EventEmitter(), exit: (code) => exits.push(code) } });
    expect(events).toEqual(["mark-draining", "http", "redis"]);
    expect(exits).toEqual([1]);
  });

  it("closes a service in tests with the same steps", async () => {
    const events: string[] = [];
    await recordingService(events).close();
    expect(events).toEqual(["mark-draining", "http", "redis"]);
  });
});
