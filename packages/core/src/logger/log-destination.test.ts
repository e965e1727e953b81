import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LogDestination, createLogger } from "./index.js";

/** A reader that takes nothing: every write stays queued. */
function stalled(): Writable {
  return new Writable({ write: () => {} });
}

/** A reader that is gone: every write fails as a write to a pipe without reader does. */
function broken(): Writable & { attempts: number } {
  const stream = new Writable({
    write(_chunk, _encoding, callback) {
      stream.attempts++;
      callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    },
  }) as Writable & { attempts: number };
  stream.attempts = 0;
  return stream;
}

describe("LogDestination", () => {
  it("drops every line once the reader is gone, without throwing or retrying", async () => {
    const stream = broken();
    const destination = new LogDestination({ stream });
    const logger = createLogger({ name: "t", destination });
    logger.info("first");
    await new Promise<void>((resolve) => destination.flush(() => resolve()));
    expect(destination.lostCode).toBe("EPIPE");
    for (let i = 0; i < 100; i++) logger.info("after the reader died");
    expect(stream.attempts).toBe(1);
    expect(destination.dropped).toBe(100);
    // A flush on a lost destination answers at once: nothing will ever be written.
    await new Promise<void>((resolve) => destination.flush(() => resolve()));
  });

  it("in the pretty format too, drops every line once the reader is gone", async () => {
    const stream = broken();
    const destination = new LogDestination({ stream });
    const logger = createLogger({ name: "t", destination, format: "pretty" });
    logger.info("first");
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    expect(destination.lostCode).toBe("EPIPE");
    for (let i = 0; i < 10; i++) logger.info("after the reader died");
    expect(stream.attempts).toBe(1);
    expect(destination.dropped).toBe(10);
  });

  it("queues at most maxQueuedBytes for a reader that stopped reading, then drops", () => {
    const stream = stalled();
    const destination = new LogDestination({ stream, maxQueuedBytes: 10_000 });
    const line = `${"x".repeat(999)}\n`;
    for (let i = 0; i < 100; i++) destination.write(line);
    expect(stream.writableLength).toBeLessThanOrEqual(10_000 + line.length);
    expect(destination.dropped).toBe(100 - Math.ceil(stream.writableLength / line.length));
    expect(destination.lostCode).toBeUndefined();
  });

  it("flushes once what is queued was written", async () => {
    // A reader that takes the first line only when released, then keeps up.
    const chunks: string[] = [];
    let flowing = false;
    let release: () => void = () => {};
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        if (flowing) callback();
        else
          release = () => {
            flowing = true;
            callback();
          };
      },
    });
    const destination = new LogDestination({ stream });
    destination.write("one\n");
    let flushed = false;
    destination.flush(() => {
      flushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(true);
    expect(chunks.join("")).toBe("one\n");
  });

  it("adds no listener to its stream until something is logged", () => {
    const stream = stalled();
    createLogger({ name: "t", level: "silent", destination: new LogDestination({ stream }) }).info("never written");
    expect(stream.listenerCount("error")).toBe(0);
  });
});
