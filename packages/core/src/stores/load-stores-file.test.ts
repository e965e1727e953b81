import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hashApiKey, loadStoresFile, parseStores } from "./index.js";

const exampleFile = fileURLToPath(new URL("../../../../config/stores.example.json", import.meta.url));
const goodStore = {
  id: "s1",
  apiKeys: ["${S1_KEY}"],
  oceanpayment: { account: "995149", terminal: "99514901", secureCode: "${S1_SECURE}" },
};

describe("stores file", () => {
  it("loads the example: two demo stores whose keys are demo-key and demo-key-2, and two demo operators", () => {
    const stores = loadStoresFile(exampleFile, {});
    expect(stores.all.map((s) => s.id)).toEqual(["demo-store", "demo-store-2"]);
    expect(stores.byApiKey("demo-key")?.id).toBe("demo-store");
    expect(stores.byApiKey("demo-key-2")?.id).toBe("demo-store-2");
    expect(stores.byApiKey("demo-key-3")).toBeUndefined();
    expect(stores.secureCodeFor("99514901")).toBe("12345678");
    expect(stores.secureCodeFor("00000000")).toBeUndefined();
    expect(stores.ownerOf("demo-support-token")).toMatchObject({ kind: "operator", operator: { name: "demo-support", role: "support" } });
    expect(stores.ownerOf("demo-finance-token")).toMatchObject({ kind: "operator", operator: { name: "demo-finance", role: "finance" } });
  });

  it("resolves ${ENV} references for keys and secure codes", () => {
    const stores = parseStores("x.json", { stores: [goodStore] }, { S1_KEY: "k-1", S1_SECURE: "sc" });
    expect(stores.byApiKey("k-1")?.oceanpayment.secureCode).toBe("sc");
  });

  it("names the file, the store and the field", () => {
    expect(() => parseStores("x.json", { stores: [goodStore] }, { S1_KEY: "k" })).toThrow(
      'x.json: store "s1", field "oceanpayment.secureCode": environment variable S1_SECURE is not set',
    );
    const plainKey = { ...goodStore, apiKeys: ["demo-key"] };
    expect(() => parseStores("x.json", { stores: [plainKey] }, {})).toThrow(/x\.json: store "s1", field "apiKeys\.0": must be "sha256:/);
    const badTerminal = { ...goodStore, oceanpayment: { ...goodStore.oceanpayment, terminal: "12" } };
    expect(() => parseStores("x.json", { stores: [badTerminal] }, {})).toThrow(/store "s1", field "oceanpayment\.terminal": must be 8-12/);
    expect(() => parseStores("x.json", { stores: [{ ...goodStore, extra: 1 }] }, {})).toThrow(/store "s1"/);
  });

  it("refuses duplicate ids, shared keys and conflicting secure codes on one terminal", () => {
    const env = { S1_KEY: "k", S1_SECURE: "a", S2_SECURE: "b" };
    expect(() => parseStores("x.json", { stores: [goodStore, goodStore] }, env)).toThrow(/listed twice/);
    const other = { ...goodStore, id: "s2" };
    expect(() => parseStores("x.json", { stores: [goodStore, other] }, env)).toThrow(/also used by store "s1"/);
    const conflicting = { ...goodStore, id: "s2", apiKeys: ["sha256:" + "0".repeat(64)], oceanpayment: { ...goodStore.oceanpayment, secureCode: "${S2_SECURE}" } };
    expect(() => parseStores("x.json", { stores: [goodStore, conflicting] }, env)).toThrow(/differs from another store on terminal 99514901/);
  });

  it("loads operators with hashed or ${ENV} tokens and finds who owns a token", () => {
    const operators = [
      { name: "alice", role: "support", tokens: ["${ALICE_TOKEN}"] },
      { name: "fin.bob", role: "finance", tokens: [hashApiKey("bob-token")] },
    ];
    const stores = parseStores("x.json", { stores: [goodStore], operators }, { S1_KEY: "k-1", S1_SECURE: "sc", ALICE_TOKEN: "alice-token" });
    expect(stores.operators.map((o) => [o.name, o.role])).toEqual([["alice", "support"], ["fin.bob", "finance"]]);
    expect(stores.ownerOf("alice-token")).toMatchObject({ kind: "operator", operator: { name: "alice", role: "support" } });
    expect(stores.ownerOf("bob-token")).toMatchObject({ kind: "operator", operator: { name: "fin.bob" } });
    expect(stores.ownerOf("k-1")).toMatchObject({ kind: "store", store: { id: "s1" } });
    expect(stores.ownerOf("nobody")).toBeUndefined();
  });

  it("names the file, the operator and the field of a bad operator", () => {
    const env = { S1_KEY: "k", S1_SECURE: "sc" };
    const withOperator = (operator: Record<string, unknown>) => ({ stores: [goodStore], operators: [operator] });
    expect(() => parseStores("x.json", withOperator({ name: "alice", role: "root", tokens: ["${A}"] }), env)).toThrow(
      /^x\.json: operator "alice", field "role": must be one of admin, support, finance$/,
    );
    expect(() => parseStores("x.json", withOperator({ name: "alice", role: "admin", tokens: ["plain-token"] }), env)).toThrow(
      /x\.json: operator "alice", field "tokens\.0": must be "sha256:.*never a plain token/,
    );
    expect(() => parseStores("x.json", withOperator({ name: "alice", role: "admin", tokens: [] }), env)).toThrow(/operator "alice", field "tokens": needs at least one token/);
    expect(() => parseStores("x.json", withOperator({ role: "admin", tokens: ["${A}"] }), env)).toThrow(/operator #1, field "name"/);
    expect(() => parseStores("x.json", withOperator({ name: "admin", role: "admin", tokens: ["${A}"] }), env)).toThrow(/operator "admin", field "name": "admin" is the name of ADMIN_TOKEN/);
    expect(() => parseStores("x.json", withOperator({ name: "alice", role: "admin", tokens: ["${A}"] }), env)).toThrow(
      'x.json: operator "alice", field "tokens.0": environment variable A is not set',
    );
    expect(() => parseStores("x.json", withOperator({ name: "alice", role: "admin", tokens: ["${A}"], extra: 1 }), { ...env, A: "a" })).toThrow(/operator "alice"/);
  });

  it("refuses an operator listed twice and a token shared with a store or another operator", () => {
    const env = { S1_KEY: "k", S1_SECURE: "sc", A: "a", B: "k" };
    const alice = { name: "alice", role: "admin", tokens: ["${A}"] };
    expect(() => parseStores("x.json", { stores: [goodStore], operators: [alice, alice] }, env)).toThrow(/operator "alice", field "name": is listed twice/);
    expect(() => parseStores("x.json", { stores: [goodStore], operators: [alice, { ...alice, name: "al" }] }, env)).toThrow(
      /operator "al", field "tokens": a token is also used by operator "alice"/,
    );
    expect(() => parseStores("x.json", { stores: [goodStore], operators: [{ ...alice, tokens: ["${B}"] }] }, env)).toThrow(
      /operator "alice", field "tokens": a token is also used by store "s1"/,
    );
  });

  it("reports unreadable and invalid files by name", () => {
    const dir = mkdtempSync(join(tmpdir(), "stores-"));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(() => loadStoresFile(broken, {})).toThrow(`${broken}: is not valid JSON`);
    expect(() => loadStoresFile(join(dir, "missing.json"), {})).toThrow(/missing\.json: cannot be read/);
  });
});
