import { usePostgres, withDatabase } from "@oceanpos/testing";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ensurePostgres, redact } from "../src/ensure-postgres.js";

describe("npm start's PostgreSQL", () => {
  const db = usePostgres();

  it("uses the database of DATABASE_URL when it answers", async () => {
    expect(await ensurePostgres(db.url, "/nonexistent", { create: true })).toEqual({ url: db.url, created: false });
  });

  it("creates the database when the server answers without it (development), refuses to in production", async () => {
    const url = withDatabase(db.url, `stack_${Date.now()}`);
    await expect(ensurePostgres(url, "/nonexistent", { create: false })).rejects.toThrow(/has no database "stack_\d+"/);
    expect(await ensurePostgres(url, "/nonexistent", { create: true })).toEqual({ url, created: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query("select current_database() as name")).rows[0].name).toMatch(/^stack_\d+$/);
    await client.end();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`DROP DATABASE ${admin.escapeIdentifier(new URL(url).pathname.slice(1))}`);
    await admin.end();
  });

  it("says so when a server answers but refuses the credentials, rather than starting another", async () => {
    const url = new URL(db.url);
    url.username = "nobody_here";
    await expect(ensurePostgres(url.toString(), "/nonexistent", { create: true })).rejects.toThrow(/refused the connection: 28/);
  });

  it("never prints a password", () => {
    expect(redact("postgres://app:s3cret@db:5432/oceanpos")).toBe("postgres://app:***@db:5432/oceanpos");
    expect(redact("postgres://postgres@127.0.0.1:5432/oceanpos")).toBe("postgres://postgres@127.0.0.1:5432/oceanpos");
  });
});
