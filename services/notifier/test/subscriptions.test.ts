import { useRedis } from "@oceanpos/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { auth, startNotifier } from "./helpers.js";

const redis = useRedis();
let notifier: Notifier | undefined;

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

const publicHost = async () => [{ address: "93.184.215.14", family: 4 }];

describe("subscriptions API", () => {
  it("creates, lists, reads, patches and deletes; the secret is shown once", async () => {
    notifier = await startNotifier(redis, { ALLOW_PRIVATE_WEBHOOK_URLS: "false" }, { resolveHost: publicHost });
    const app = notifier.app;
    const created = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth(),
      payload: { url: "https://hooks.example.com/x", events: ["payment.succeeded", "payment.*"], description: "back office" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const sub = created.json() as { id: string; secret: string; storeIds: null; enabled: boolean };
    expect(sub).toMatchObject({ url: "https://hooks.example.com/x", events: ["payment.succeeded", "payment.*"], storeIds: null, enabled: true });
    expect(Buffer.from(sub.secret.slice("whsec_".length), "base64")).toHaveLength(32);

    const one = (await app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}`, headers: auth() })).json() as Record<string, unknown>;
    expect(one.secret).toBeUndefined();
    const list = (await app.inject({ method: "GET", url: "/v1/subscriptions", headers: auth() })).json() as { subscriptions: Array<{ id: string }> };
    expect(list.subscriptions.map((s) => s.id)).toEqual([sub.id]);

    const patched = await app.inject({
      method: "PATCH",
      url: `/v1/subscriptions/${sub.id}`,
      headers: auth(),
      payload: { enabled: false, storeIds: ["store-a"], events: ["*"] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, storeIds: ["store-a"], events: ["*"] });
    expect(JSON.stringify(patched.json())).not.toContain("whsec_");

    const deleted = await app.inject({ method: "DELETE", url: `/v1/subscriptions/${sub.id}`, headers: auth() });
    expect(deleted.json()).toEqual({ id: sub.id, deleted: true });
    expect((await app.inject({ method: "GET", url: `/v1/subscriptions/${sub.id}`, headers: auth() })).statusCode).toBe(404);
  });

  it("rotates a secret: a new one shown once, a clear 400 for a bad expiry, 404 for an unknown id", async () => {
    notifier = await startNotifier(redis);
    const app = notifier.app;
    const created = (await app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(), payload: { url: "http://127.0.0.1:9/x", events: ["*"] } })).json() as {
      id: string;
      secret: string;
    };
    const rotate = (id: string, payload?: object, headers = auth()) =>
      app.inject({ method: "POST", url: `/v1/subscriptions/${id}/rotate-secret`, headers, ...(payload ? { payload } : {}) });

    const before = Date.now();
    const rotated = await rotate(created.id);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const body = rotated.json() as { id: string; secret: string; previousSecretExpiresAt: string };
    expect(body.id).toBe(created.id);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(created.secret);
    // A day by default.
    expect(Date.parse(body.previousSecretExpiresAt) - before).toBeGreaterThanOrEqual(86_400_000);
    expect(Date.parse(body.previousSecretExpiresAt) - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect((await rotate(created.id, { previousSecretExpiresInSeconds: 0 })).json()).toMatchObject({ previousSecretExpiresAt: null });
    expect(JSON.stringify((await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: auth() })).json())).not.toContain("whsec_");

    for (const bad of [{ previousSecretExpiresInSeconds: -1 }, { previousSecretExpiresInSeconds: 1.5 }, { previousSecretExpiresInSeconds: 700_000 }, { previousSecretExpiresInSeconds: "60" }]) {
      const res = await rotate(created.id, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect((res.json() as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path)).toEqual(["previousSecretExpiresInSeconds"]);
    }
    expect((await rotate(created.id, { other: 1 })).statusCode).toBe(400);
    expect((await rotate("sub_000000000000000000000000")).statusCode).toBe(404);
    expect((await rotate(created.id, undefined, auth("key-a"))).statusCode).toBe(403);
  });

  it("needs the operator token", async () => {
    notifier = await startNotifier(redis);
    expect((await notifier.app.inject({ method: "GET", url: "/v1/subscriptions" })).statusCode).toBe(401);
    expect((await notifier.app.inject({ method: "GET", url: "/v1/subscriptions", headers: auth("wrong") })).statusCode).toBe(401);
    const store = await notifier.app.inject({ method: "GET", url: "/v1/subscriptions", headers: auth("key-a") });
    expect(store.statusCode).toBe(403);
  });

  it("validates events, store ids and fields, listing every issue", async () => {
    notifier = await startNotifier(redis);
    const res = await notifier.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth(),
      payload: { url: "ftp://x.example/", events: ["payment.sucess"], storeIds: ["store-a", "store-z"], extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const issues = (res.json() as { error: { code: string; issues: Array<{ path: string }> } }).error;
    expect(issues.code).toBe("invalid_request");
    // The unknown key is named by its own path (one mapping of zod issues for every service).
    expect(issues.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["events.0", "extra"]));

    const targets = await notifier.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth(),
      payload: { url: "ftp://x.example/", events: ["payment.*"], storeIds: ["store-a", "store-z"] },
    });
    expect((targets.json() as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path)).toEqual(["url", "storeIds.1"]);
  });

  it.each([
    ["http://127.0.0.1:8080/x"],
    ["http://10.1.2.3/x"],
    ["http://[::1]/x"],
    ["http://[fd00::1]/x"],
    ["http://169.254.169.254/latest/meta-data"],
    ["http://100.64.0.1/x"],
    ["http://0.0.0.0/x"],
    ["http://[::ffff:127.0.0.1]/x"],
    ["http://user:pw@hooks.example.com/x"],
  ])("refuses %s without ALLOW_PRIVATE_WEBHOOK_URLS", async (url) => {
    notifier = await startNotifier(redis, { ALLOW_PRIVATE_WEBHOOK_URLS: "false" }, { resolveHost: publicHost });
    const res = await notifier.app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth(), payload: { url, events: ["*"] } });
    expect(res.statusCode).toBe(400);
  });

  it("resolves host names and refuses one that has any private address", async () => {
    notifier = await startNotifier(
      redis,
      { ALLOW_PRIVATE_WEBHOOK_URLS: "false" },
      { resolveHost: async () => [{ address: "93.184.215.14", family: 4 }, { address: "192.168.1.10", family: 4 }] },
    );
    const res = await notifier.app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth(),
      payload: { url: "https://rebind.example.com/x", events: ["*"] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("192.168.1.10");
  });
});
