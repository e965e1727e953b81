import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { hashApiKey, parseStores } from "../stores/index.js";
import { CallerAuth, bearerToken } from "./index.js";

const stores = parseStores(
  "stores.json",
  { stores: [{ id: "store-a", apiKeys: [hashApiKey("key-a")], oceanpayment: { account: "995149", terminal: "99514901", secureCode: "12345678" } }] },
  {},
);
const auth = new CallerAuth({ adminToken: "operator-token", stores });
const requestWith = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest;

describe("CallerAuth", () => {
  it("tells the operator from a store by their bearer tokens", () => {
    expect(auth.callerOf(requestWith("Bearer operator-token"))).toEqual({ kind: "operator" });
    expect(auth.callerOf(requestWith("bearer key-a "))).toEqual({ kind: "store", storeId: "store-a" });
  });

  it("knows no caller without a known bearer token", () => {
    for (const header of [undefined, "", "Bearer", "Bearer unknown", "Basic b3BlcmF0b3ItdG9rZW4=", "Bearer operator-token extra"]) {
      expect(auth.callerOf(requestWith(header)), String(header)).toBeUndefined();
    }
  });

  it("reads the token of a Bearer header only", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("Token abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
