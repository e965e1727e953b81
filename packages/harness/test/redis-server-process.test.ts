import { createServer } from "node:net";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisServerProcess, freePort } from "../src/index.js";

describe("RedisServerProcess", () => {
  it("keeps what it acknowledged across a crash and a restart on the same port (append-only file)", async () => {
    const server = await RedisServerProcess.start();
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on("error", () => {});
    try {
      await client.set("survivor", "still here");
      await server.restart({ hard: true });
      expect(await client.get("survivor")).toBe("still here");
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    } finally {
      client.disconnect();
      await server.destroy();
    }
  });
});

describe("freePort", () => {
  it("gives a loopback port a server can listen on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
