import { type AuditEntry, auditEntryOf } from "@oceanpos/core/audit";
import { redisKeys } from "@oceanpos/core/redis";
import { useRedis } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { auth, operatorTokens, startNotifier } from "./helpers.js";

const redis = useRedis();
let notifier: Notifier | undefined;

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

async function auditEntries(): Promise<AuditEntry[]> {
  const entries = await redis.client().xrange(redisKeys(redis.prefix).audit, "-", "+");
  return entries.map(([id, fields]) => auditEntryOf(id, fields) as AuditEntry);
}

describe("operators on the notifier", () => {
  it("admin manages subscriptions, support replays, every role reads; 401 unknown token, 403 otherwise", async () => {
    notifier = await startNotifier(redis);
    const app = notifier.app;
    const create = (token: string) =>
      app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(token), payload: { url: "http://127.0.0.1:9/hook", events: ["payment.*"] } });
    for (const [token, status] of [["nobody", 401], ["key-a", 403], [operatorTokens.support, 403], [operatorTokens.finance, 403]] as const) {
      const res = await create(token);
      expect([res.statusCode, res.json().error.code], token).toEqual([status, status === 401 ? "unauthorized" : "forbidden"]);
    }
    const created = await create(operatorTokens.admin);
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const token of Object.values(operatorTokens)) {
      expect((await app.inject({ method: "GET", url: `/v1/subscriptions/${id}`, headers: auth(token) })).statusCode, token).toBe(200);
      expect((await app.inject({ method: "GET", url: "/v1/events", headers: auth(token) })).statusCode, token).toBe(200);
    }
    const replay = (token: string) => app.inject({ method: "POST", url: `/v1/subscriptions/${id}/replay`, headers: auth(token), payload: { since: "2026-01-01T00:00:00Z" } });
    const financeReplay = await replay(operatorTokens.finance);
    expect([financeReplay.statusCode, financeReplay.json().error.message]).toEqual([403, "operator fay (role finance) may not do webhooks.replay"]);
    expect((await replay(operatorTokens.support)).statusCode).toBe(202);
    const patch = (token: string) => app.inject({ method: "PATCH", url: `/v1/subscriptions/${id}`, headers: auth(token), payload: { events: ["*"] } });
    expect((await patch(operatorTokens.support)).statusCode).toBe(403);
    expect((await patch(operatorTokens.admin)).statusCode).toBe(200);
    expect((await app.inject({ method: "POST", url: `/v1/subscriptions/${id}/rotate-secret`, headers: auth(), payload: {} })).statusCode).toBe(200);
    expect((await app.inject({ method: "DELETE", url: `/v1/subscriptions/${id}`, headers: auth(operatorTokens.support) })).statusCode).toBe(403);
    expect((await app.inject({ method: "DELETE", url: `/v1/subscriptions/${id}`, headers: auth(operatorTokens.admin) })).statusCode).toBe(200);

    // Every change and the replay, by whom, in order; refused calls and reads left no entry.
    const entries = await auditEntries();
    expect(entries.map((e) => [e.operator, e.role, e.action, e.target])).toEqual([
      ["ada", "admin", "subscription.create", `subscription:${id}`],
      ["sam", "support", "webhook.replay", `subscription:${id}`],
      ["ada", "admin", "subscription.update", `subscription:${id}`],
      ["admin", "admin", "subscription.rotate_secret", `subscription:${id}`],
      ["ada", "admin", "subscription.delete", `subscription:${id}`],
    ]);
    expect(entries[0]?.details).toEqual({ host: "127.0.0.1:9", events: "payment.*" });
    expect(entries[2]?.details).toEqual({ fields: "events" });
    // The secret never reaches the audit log.
    expect(JSON.stringify(entries)).not.toContain("whsec_");
  });
});
