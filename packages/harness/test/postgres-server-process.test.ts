import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresServerProcess } from "../src/index.js";
import { folderClosedToOthers } from "../src/postgres-server-process.js";

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

describe("folderClosedToOthers (what keeps the postgres user from the binaries when run as root)", () => {
  it("names the first folder on the way up that others may not enter, and none when all are open", () => {
    const top = mkdtempSync(join(tmpdir(), "oceanpos-closed-")); // 0700, as mktemp -d makes it
    try {
      const inner = join(top, "project", "node_modules");
      mkdirSync(inner, { recursive: true, mode: 0o755 });
      expect(folderClosedToOthers(inner)).toBe(top);
      chmodSync(top, 0o711);
      expect(folderClosedToOthers(inner)).toBeUndefined();
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
