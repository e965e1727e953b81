import type { ViteUserConfig } from "vitest/config";

/**
 * Every workspace runs its tests against the TypeScript sources of its sibling packages
 * (the `@oceanpos/source` export condition), so tests never depend on a prior build.
 */
export const sourceConditions: ViteUserConfig = {
  resolve: { conditions: ["@oceanpos/source"] },
  ssr: { resolve: { conditions: ["@oceanpos/source"], externalConditions: ["@oceanpos/source"] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
};
