import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { retryStart } from "./index.js";

const logger = pino({ level: "silent" });

describe("retryStart", () => {
  it("tries again until the step succeeds", async () => {
    let tries = 0;
    await retryStart(
      async () => {
        if (++tries < 3) throw new Error("not yet");
      },
      { logger, stopping: () => false, retrying: "retrying" },
    );
    expect(tries).toBe(3);
  });

  it("gives up with the last error once a shutdown began", async () => {
    let stopping = false;
    let tries = 0;
    const step = async () => {
      tries++;
      stopping = true;
      throw new Error("still down");
    };
    await expect(retryStart(step, { logger, stopping: () => stopping, retrying: "retrying" })).rejects.toThrow("still down");
    expect(tries).toBe(1);
  });
});
