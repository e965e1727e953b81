import { AuditLog, type AuditRecord } from "@oceanpos/core/audit";
import { redisKeys } from "@oceanpos/core/redis";
import { usePostgres, useRedis, waitFor } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/ledger.js";
import { Payments, account, adminToken, apiKeys, bearer, operatorTokens, startLedger, testConfig } from "./harness.js";

describe("the audit log in the ledger", () => {
  const db = usePostgres();
  const redis = useRedis();
  let ledger: Ledger | undefined;
  let audit: AuditLog;
  const auditKey = () => redisKeys(redis.prefix).audit;

  beforeEach(async () => {
    await db.pool().query("TRUNCATE audit").catch(() => undefined);
    audit = new AuditLog({ redis: redis.client(), keyPrefix: redis.prefix });
  });
  afterEach(async () => {
    await ledger?.close();
    ledger = undefined;
  });

  const get = (url: string, token: string = adminToken) => (ledger as Ledger).app.inject({ method: "GET", url, headers: bearer(token) });
  const entry = (n: number): AuditRecord => ({ operator: "sam", role: "support", action: "webhook.replay", target: `subscription:sub_${n}`, details: { replayed: String(n) } });

  /** Waits until the ledger has archived every audit entry: the stream is trimmed to nothing and the table holds `rows`. */
  async function archived(rows: number): Promise<void> {
    await waitFor(async () => (await redis.client().xlen(auditKey())) === 0 && Number((await db.pool().query("SELECT count(*) FROM audit")).rows[0].count) === rows, {
      timeoutMs: 15_000,
      message: `the ledger to archive ${rows} audit entries and trim the stream`,
    });
  }

  it("keeps entries in Redis until the ledger has archived them, then pages them oldest first", async () => {
    // No ledger yet: nothing trims the audit stream.
    const ids = [];
    for (let n = 1; n <= 3; n++) ids.push(await audit.record(entry(n)));
    expect(await redis.client().xlen(auditKey())).toBe(3);
    // A resolve's entry is written in the transition's own step.
    const payments = new Payments(redis.client(), redis.prefix);
    const paid = await payments.pay({ path: ["submitting", "needs_review"] });
    const resolved = await payments.store.transition(
      { account, orderNumber: paid.orderNumber },
      { to: "failed", source: "operator", operator: "ada", reason: "customer left" },
      { audit: { operator: "ada", role: "admin", action: "payment.resolve", target: `payment:store-a:${paid.orderNumber}`, reason: "customer left" } },
    );
    expect(resolved.outcome).toBe("applied");
    expect(await redis.client().xlen(auditKey())).toBe(4);

    ledger = await startLedger(testConfig(db, redis));
    await archived(4);
    const first = await get("/v1/audit?limit=2");
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(page.data[0]).toEqual({ id: ids[0], at: expect.any(String), operator: "sam", role: "support", action: "webhook.replay", target: "subscription:sub_1", details: { replayed: "1" } });
    expect(page.next).toBe(ids[1]);
    const rest = (await get(`/v1/audit?after=${page.next}&limit=5`, operatorTokens.finance)).json();
    expect(rest.data.map((e: { target: string }) => e.target)).toEqual(["subscription:sub_3", `payment:store-a:${paid.orderNumber}`]);
    expect(rest.data[1]).toMatchObject({ operator: "ada", role: "admin", action: "payment.resolve", reason: "customer left" });
    expect(rest.next).toBeNull();
  });

  it("answers 401 without a known token, 403 to a store key or a role that may not read it, 400 naming a bad parameter", async () => {
    ledger = await startLedger(testConfig(db, redis));
    expect((await ledger.app.inject({ method: "GET", url: "/v1/audit" })).statusCode).toBe(401);
    expect((await get("/v1/audit", "nobody")).statusCode).toBe(401);
    for (const token of [apiKeys.a, operatorTokens.support]) {
      const res = await get("/v1/audit", token);
      expect([res.statusCode, res.json().error.code], token).toEqual([403, "forbidden"]);
    }
    for (const token of [adminToken, operatorTokens.admin, operatorTokens.finance]) expect((await get("/v1/audit", token)).statusCode, token).toBe(200);
    // Every role reads the archive's lists.
    for (const token of Object.values(operatorTokens)) expect((await get("/v1/payments", token)).statusCode, token).toBe(200);
    const bad = await get("/v1/audit?after=evt_1-0&limit=0&x=1");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["after", "limit", "x"]);
  });

  it("tells each caller who it is and what its role may do (GET /v1/me), 401 to an unknown token", async () => {
    ledger = await startLedger(testConfig(db, redis));
    expect((await get("/v1/me", "nobody")).statusCode).toBe(401);
    expect((await get("/v1/me", apiKeys.b)).json()).toEqual({ kind: "store", storeId: "store-b" });
    expect((await get("/v1/me", operatorTokens.support)).json()).toEqual({
      kind: "operator",
      name: "sam",
      role: "support",
      permissions: ["read", "payments.query", "payments.resolve", "refunds.create", "webhooks.replay", "queues.retry"],
    });
    expect((await get("/v1/me", operatorTokens.finance)).json().permissions).toEqual(["read", "audit.read", "reconciliations.run"]);
    const admin = (await get("/v1/me", adminToken)).json();
    expect([admin.name, admin.role, admin.permissions.length]).toEqual(["admin", "admin", 10]);
  });
});
