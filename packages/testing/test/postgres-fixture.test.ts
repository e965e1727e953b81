import { describe, expect, it } from "vitest";
import { usePostgres } from "../src/index.js";

describe("usePostgres", () => {
  const db = usePostgres();

  it("gives the suite a database of its own on a real PostgreSQL", async () => {
    const pool = db.pool();
    const { rows } = await pool.query<{ name: string; version: number }>("select current_database() as name, current_setting('server_version_num')::int as version");
    expect(rows[0]?.name).toMatch(/^t[0-9a-f]{12}$/);
    expect(rows[0]?.version).toBeGreaterThanOrEqual(150000);
    await pool.query("create table fixture_probe (id int primary key, note jsonb)");
    await pool.query("insert into fixture_probe values (1, $1)", [{ text: "çà 支付" }]);
    expect((await pool.query("select note->>'text' as t from fixture_probe")).rows[0]?.t).toBe("çà 支付");
  });
});
