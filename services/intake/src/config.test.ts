import { ConfigError } from "@oceanpos/core/errors";
import { describe, expect, it } from "vitest";
import { loadIntakeConfig } from "./config.js";

describe("loadIntakeConfig", () => {
  it("applies the contract's defaults", () => {
    const config = loadIntakeConfig({});
    expect(config).toMatchObject({
      INTAKE_PORT: 3000,
      INTAKE_HOST: "127.0.0.1",
      INTAKE_BODY_LIMIT_BYTES: 1024 * 1024,
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: "op",
      RECOVERY_SWEEP_INTERVAL_MS: 15_000,
      RECOVERY_SWEEP_AGE_MS: 120_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("coerces numbers and names every bad variable", () => {
    expect(loadIntakeConfig({ INTAKE_PORT: "3100", RECOVERY_SWEEP_AGE_MS: "0" })).toMatchObject({ INTAKE_PORT: 3100, RECOVERY_SWEEP_AGE_MS: 0 });
    let error: unknown;
    try {
      loadIntakeConfig({ INTAKE_PORT: "http", INTAKE_BODY_LIMIT_BYTES: "12", RECOVERY_SWEEP_INTERVAL_MS: "5" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["INTAKE_PORT", "INTAKE_BODY_LIMIT_BYTES", "RECOVERY_SWEEP_INTERVAL_MS"]) expect(message).toContain(name);
  });
});
