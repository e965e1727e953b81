import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    ...sourceConditions.test,
    // Each browser suite starts the whole stack once for its tests, and builds the console into
    // the one dist the ledger serves: one suite at a time.
    fileParallelism: false,
    hookTimeout: 300_000,
    testTimeout: 120_000,
  },
});
