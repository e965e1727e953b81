import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresServerProcess } from "../src/index.js";

describe("PostgresServerProcess (embedded)", () => {
  it("keeps committed data across an immediate shutdown and a restart on the same port", async () => {
    const server = await PostgresServerProcess.start({ durable: false });
    try {
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      await client.query("create table survivor (n int)");
      await client.query("insert into survivor values (42)");
      client.on("error", () => {});
      await server.stop({ hard: true });
      await expect(client.query("select 1")).rejects.toThrow();
      await server.start();
      const after = new pg.Client({ connectionString: server.url() });
      await after.connect();
      expect((await after.query("select n from survivor")).rows).toEqual([{ n: 42 }]);
      await after.end();
    } finally {
      await server.destroy();
    }
  }, 60_000);
});
