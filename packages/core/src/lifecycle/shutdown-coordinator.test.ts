import { EventEmitter } from "node:events";
import { type Logger, pino } from "pino";
import { describe, expect, it } from "vitest";
import { ShutdownCoordinator } from "./index.js";

const logger = pino({ level: "silent" });

describe("ShutdownCoordinator", () => {
  it("runs steps once, in order, and exits 128+signal", async () => {
    const signals = new EventEmitter();
    const order: string[] = [];
    const exits: number[] = [];
    const coordinator = new ShutdownCoordinator({ logger, signals, exit: (c) => exits.push(c) })
      .add("http", async () => {
        order.push("http");
      })
      .add("workers", () => {
        order.push("workers");
      })
      .listen();
    signals.emit("SIGTERM");
    signals.emit("SIGINT");
    expect(await coordinator.shutdown("SIGTERM")).toBe(143);
    expect(order).toEqual(["http", "workers"]);
    expect(exits).toEqual([143]);
  });

  it("exits 130 on SIGINT", async () => {
    const exits: number[] = [];
    const coordinator = new ShutdownCoordinator({ logger, signals: new EventEmitter(), exit: (c) => exits.push(c) });
    expect(await coordinator.shutdown("SIGINT")).toBe(130);
  });

  it("keeps going after a failing step and exits 1", async () => {
    const order: string[] = [];
    const coordinator = new ShutdownCoordinator({ logger, signals: new EventEmitter(), exit: () => {} })
      .add("bad", () => {
        throw new Error("boom");
      })
      .add("redis", () => {
        order.push("redis");
      });
    expect(await coordinator.shutdown("SIGTERM")).toBe(1);
    expect(order).toEqual(["redis"]);
  });

  it("gives up at the deadline", async () => {
    const coordinator = new ShutdownCoordinator({ logger, signals: new EventEmitter(), exit: () => {}, timeoutMs: 100 }).add(
      "stuck",
      () => new Promise<void>(() => {}),
    );
    expect(await coordinator.shutdown("SIGTERM")).toBe(1);
  });

  it("lets the logs be written before it exits", async () => {
    const events: string[] = [];
    const flushing = Object.assign(pino({ level: "silent" }), {
      flush: (cb?: () => void) => {
        events.push("flush");
        setTimeout(() => {
          events.push("flushed");
          cb?.();
        }, 50);
      },
    }) as unknown as Logger;
    const coordinator = new ShutdownCoordinator({ logger: flushing, signals: new EventEmitter(), exit: () => events.push("exit") });
    await coordinator.shutdown("SIGTERM");
    expect(events).toEqual(["flush", "flushed", "exit"]);
  });

  it("exits at the deadline when the logs cannot be written (a stalled log reader)", async () => {
    const exits: number[] = [];
    const stalled = Object.assign(pino({ level: "silent" }), { flush: () => {} }) as unknown as Logger;
    const started = Date.now();
    const coordinator = new ShutdownCoordinator({ logger: stalled, signals: new EventEmitter(), exit: (c) => exits.push(c), timeoutMs: 200 });
    expect(await coordinator.shutdown("SIGTERM")).toBe(143);
    expect(exits).toEqual([143]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
