import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidRequestError, parseOrThrow, parseRequest } from "./index.js";

const Body = z.strictObject({
  amount: z.string().regex(/^\d+\.\d\d$/, "must be a decimal string"),
  items: z.array(z.strictObject({ price: z.string() })).optional(),
});
const Query = z.strictObject({ status: z.string().optional(), limit: z.coerce.number().int().max(500, "must be at most 500").optional() });
const secret = "134567890123456789";

describe("the one mapping of zod issues to the contract's issues[]", () => {
  it("names every failing field, each unknown key and a missing value, never quoting the input", () => {
    const parsed = parseRequest(Body, { amount: secret, items: [{ price: 1, sku: "x" }], extra: secret });
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "amount", message: "must be a decimal string" },
        { path: "items.0.price", message: expect.stringMatching(/string/) },
        { path: "items.0.sku", message: "is not a known field" },
        { path: "extra", message: "is not a known field" },
      ]),
    );
    expect(issues).toHaveLength(4);
    expect(JSON.stringify(issues)).not.toContain(secret);
    expect(parseRequest(Body, {})).toEqual({ ok: false, issues: [{ path: "amount", message: "is required" }] });
    expect(parseRequest(Body, "text")).toMatchObject({ ok: false, issues: [{ path: "" }] });
  });

  it("calls a query's unknown keys parameters and a repeated one a mistake", () => {
    const parsed = parseRequest(Query, { status: ["failed", "voided"], sort: "amount" }, "query");
    expect(parsed).toEqual({
      ok: false,
      issues: [
        { path: "status", message: "must be given once" },
        { path: "sort", message: "is not a known parameter" },
      ],
    });
  });

  it("throws a 400 whose message names the fields", () => {
    expect(parseOrThrow(Query, { limit: "20" }, "query")).toEqual({ limit: 20 });
    let thrown: unknown;
    try {
      parseOrThrow(Query, { limit: "501", sort: "x" }, "query");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(thrown).toMatchObject({ status: 400, code: "invalid_request", message: "invalid parameters: limit, sort" });
    expect(new InvalidRequestError([{ path: "amount", message: "x" }]).message).toBe("invalid field: amount");
  });
});
