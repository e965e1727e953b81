import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageNodeOptions, repoRoot } from "./bench-stack.js";

describe("BenchStack", () => {
  it("runs the services with the image's NODE_OPTIONS", () => {
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=${imageNodeOptions}\n`);
  });
});
