import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { hashApiKey, parseStores } from "../stores/index.js";
import { ApiError, CallerAuth, bearerToken, operatorActions, requirePermission, roleMay } from "./index.js";

const stores = parseStores(
  "stores.json",
  {
    stores: [{ id: "store-a", apiKeys: [hashApiKey("key-a")], oceanpayment: { account: "995149", terminal: "99514901", secureCode: "12345678" } }],
    operators: [
      { name: "sam", role: "support", tokens: [hashApiKey("token-sam")] },
      { name: "fay", role: "finance", tokens: ["${FAY_TOKEN}"] },
    ],
  },
  { FAY_TOKEN: "token-fay" },
);
const auth = new CallerAuth({ adminToken: "operator-token", stores });
const requestWith = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest;

describe("CallerAuth", () => {
  it("tells ADMIN_TOKEN, the file's operators and a store apart by their bearer tokens", () => {
    expect(auth.callerOf(requestWith("Bearer operator-token"))).toEqual({ kind: "operator", name: "admin", role: "admin" });
    expect(auth.callerOf(requestWith("Bearer token-sam"))).toEqual({ kind: "operator", name: "sam", role: "support" });
    expect(auth.callerOf(requestWith("Bearer token-fay"))).toEqual({ kind: "operator", name: "fay", role: "finance" });
    expect(auth.callerOf(requestWith("bearer key-a "))).toEqual({ kind: "store", storeId: "store-a" });
  });

  it("knows no caller without a known bearer token", () => {
    for (const header of [undefined, "", "Bearer", "Bearer unknown", "Basic b3BlcmF0b3ItdG9rZW4=", "Bearer operator-token extra", "Bearer ${FAY_TOKEN}"]) {
      expect(auth.callerOf(requestWith(header)), String(header)).toBeUndefined();
    }
  });

  it("reads the token of a Bearer header only", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("Token abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("operator permissions", () => {
  it("admin may do everything; support payments, refunds, resolve and replay; finance reads, audit and reconciliation", () => {
    const allowed = (role: "admin" | "support" | "finance") => operatorActions.filter((a) => roleMay(role, a));
    expect(allowed("admin")).toEqual([...operatorActions]);
    expect(allowed("support")).toEqual(["read", "payments.query", "payments.resolve", "refunds.create", "webhooks.replay", "queues.retry"]);
    expect(allowed("finance")).toEqual(["read", "audit.read", "reconciliations.run"]);
  });

  it("answers 403 naming the operator and the action, and 403 for a store key", () => {
    const sam = { kind: "operator", name: "sam", role: "support" } as const;
    expect(requirePermission(sam, "payments.resolve")).toBe(sam);
    const denied = (() => {
      try {
        requirePermission(sam, "subscriptions.manage");
      } catch (error) {
        return error;
      }
    })() as ApiError;
    expect(denied).toBeInstanceOf(ApiError);
    expect([denied.status, denied.code, denied.message]).toEqual([403, "forbidden", "operator sam (role support) may not do subscriptions.manage"]);
    expect(() => requirePermission({ kind: "store", storeId: "store-a" }, "read")).toThrow(/needs an operator token/);
  });
});
