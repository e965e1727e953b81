import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

// The short chaos run starts Redis and six service processes and pushes a few hundred payments
// through crashes and faults: it needs minutes, not the shared 20 s.
export default defineConfig({
  ...sourceConditions,
  test: { ...sourceConditions.test, testTimeout: 300_000, hookTimeout: 60_000 },
});
