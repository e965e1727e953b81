import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    ...sourceConditions.test,
    // The browser suite starts the whole stack once for its tests.
    hookTimeout: 300_000,
    testTimeout: 120_000,
  },
});
