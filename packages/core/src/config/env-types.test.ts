import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envConsumerGroup, envDurationList, envDurationMs, envHttpUrl, envPositiveInt, envPositiveNumber, loadConfig, publicApiEnvShape } from "./index.js";

const schema = z.object({
  WAIT_MS: envDurationMs(250, { max: 10_000 }),
  LOCK_MS: envDurationMs(30_000, { min: 500 }),
  POOL: envPositiveInt(10, { min: 2, max: 200 }),
  BATCH: envPositiveInt(500, { max: 10_000 }),
  RATE: envPositiveNumber(50),
  URL: envHttpUrl("http://127.0.0.1:3100"),
  GROUP: envConsumerGroup("ledger"),
  SCHEDULE_MS: envDurationList([2_000, 5_000]),
});
const load = (env: Record<string, string>) => loadConfig(schema, env);

describe("the shared environment types", () => {
  it("apply their defaults", () => {
    expect(load({})).toEqual({
      WAIT_MS: 250,
      LOCK_MS: 30_000,
      POOL: 10,
      BATCH: 500,
      RATE: 50,
      URL: "http://127.0.0.1:3100",
      GROUP: "ledger",
      SCHEDULE_MS: [2_000, 5_000],
    });
  });

  it("check the bounds they are given, naming them", () => {
    expect(load({ WAIT_MS: "0", LOCK_MS: "500", POOL: "2", BATCH: "1" })).toMatchObject({ WAIT_MS: 0, LOCK_MS: 500, POOL: 2, BATCH: 1 });
    expect(() => load({ WAIT_MS: "20000" })).toThrow(/WAIT_MS: must be at most 10000/);
    expect(() => load({ WAIT_MS: "-1" })).toThrow(/WAIT_MS: must not be negative/);
    expect(() => load({ WAIT_MS: "1.5" })).toThrow(/WAIT_MS: must be a whole number of milliseconds/);
    expect(() => load({ LOCK_MS: "499" })).toThrow(/LOCK_MS: must be at least 500/);
    expect(() => load({ POOL: "1" })).toThrow(/POOL: must be at least 2/);
    expect(() => load({ POOL: "201" })).toThrow(/POOL: must be at most 200/);
    expect(() => load({ BATCH: "0" })).toThrow(/BATCH: must be at least 1/);
    expect(() => load({ RATE: "0" })).toThrow(/RATE: must be greater than 0/);
  });

  it("trim a base URL's trailing slashes and refuse other schemes", () => {
    expect(load({ URL: "https://query.oceanpayment.com//" }).URL).toBe("https://query.oceanpayment.com");
    expect(() => load({ URL: "ftp://x" })).toThrow(/URL: must be an http:\/\/ or https:\/\/ URL/);
  });

  it("read a list of delays, refusing an empty one or a bad item", () => {
    expect(load({ SCHEDULE_MS: "100, 200,,400" }).SCHEDULE_MS).toEqual([100, 200, 400]);
    for (const bad of [",", "100,soon", "0", "1.5"]) expect(() => load({ SCHEDULE_MS: bad }), bad).toThrow(/SCHEDULE_MS: must be a comma-separated list/);
  });

  it("take a consumer group name of safe characters only", () => {
    expect(() => load({ GROUP: "led ger" })).toThrow(/GROUP: must be 1-64 of/);
  });

  it("take CORS_ORIGINS as exact origins, none by default, and name a mistake", () => {
    const origins = z.object(publicApiEnvShape);
    expect(loadConfig(origins, {}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig(origins, { CORS_ORIGINS: " https://pos.example.com, http://127.0.0.1:5173 ," }).CORS_ORIGINS).toEqual([
      "https://pos.example.com",
      "http://127.0.0.1:5173",
    ]);
    for (const bad of ["https://pos.example.com/", "*", "pos.example.com", "https://pos.example.com/app", "ftp://files.example.com"]) {
      expect(() => loadConfig(origins, { CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS: .* is not an origin: write scheme:\/\/host\[:port\]/);
    }
  });
});
