import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.js";
import { commonEnvShape, envBoolean, envPort, loadConfig, resolveCommon } from "./index.js";

const schema = z.object({ ...commonEnvShape, PORT: envPort(3000), FLAG: envBoolean(false) }).transform(resolveCommon);

describe("loadConfig", () => {
  it("applies defaults and freezes the result", () => {
    const config = loadConfig(schema, { INIT_CWD: "/srv/app" });
    expect(config).toMatchObject({
      PORT: 3000,
      FLAG: false,
      REDIS_URL: "redis://127.0.0.1:6379",
      ADMIN_TOKEN: "demo-admin",
    });
    // Unset: the repository's example, wherever the command runs from.
    expect(config.STORES_FILE).toMatch(/\/config\/stores\.example\.json$/);
    expect(loadConfig(schema, { INIT_CWD: "/srv/app", STORES_FILE: "my/stores.json" }).STORES_FILE).toBe("/srv/app/my/stores.json");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig(schema, { PORT: "" }).PORT).toBe(3000);
  });

  it("accepts only true/false for booleans", () => {
    expect(loadConfig(schema, { FLAG: "true" }).FLAG).toBe(true);
    for (const bad of ["1", "yes", "True", "on"]) {
      expect(() => loadConfig(schema, { FLAG: bad })).toThrow(/FLAG: must be "true" or "false"/);
    }
  });

  it("names every bad variable", () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: "http", REDIS_URL: "localhost:6379", LOG_LEVEL: "loud" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("PORT");
    expect(message).toContain("REDIS_URL");
    expect(message).toContain("LOG_LEVEL");
  });

  it("limits heap growth to 100 % unless told otherwise, 0 meaning V8's own", () => {
    expect(loadConfig(schema, {}).HEAP_GROWING_PERCENT).toBe(100);
    expect(loadConfig(schema, { HEAP_GROWING_PERCENT: "0" }).HEAP_GROWING_PERCENT).toBe(0);
    expect(() => loadConfig(schema, { HEAP_GROWING_PERCENT: "-5" })).toThrow(/HEAP_GROWING_PERCENT: must not be negative/);
    expect(() => loadConfig(schema, { HEAP_GROWING_PERCENT: "1.5" })).toThrow(/HEAP_GROWING_PERCENT: must be a whole number of percent/);
  });

  it("requires ADMIN_TOKEN in production", () => {
    expect(() => loadConfig(schema, { NODE_ENV: "production" })).toThrow(/ADMIN_TOKEN: is required when NODE_ENV=production/);
    expect(loadConfig(schema, { NODE_ENV: "production", ADMIN_TOKEN: "s3cret-token" }).ADMIN_TOKEN).toBe("s3cret-token");
  });
});
