import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./bench-stack.js";

// `npm run bench` goes through turbo, whose strict env mode hands a task only the variables its
// turbo.json entry lists: a variable the bench reads but turbo drops is silently ignored.
describe("turbo.json's bench task", () => {
  const turbo = JSON.parse(readFileSync(join(repoRoot, "turbo.json"), "utf8")) as { tasks: Record<string, { passThroughEnv?: string[] }> };
  const patterns = (turbo.tasks.bench?.passThroughEnv ?? []).map((p) => new RegExp(`^${p.replace(/\*/g, ".*")}$`));
  const srcDir = join(repoRoot, "tools/bench/src");
  const read = new Set<string>();
  for (const file of readdirSync(srcDir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    for (const m of readFileSync(join(srcDir, file), "utf8").matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) read.add(m[1] as string);
  }

  it("passes through every variable the bench reads", () => {
    expect(read).toContain("BENCH_PHASES");
    expect(read).toContain("HEAP_GROWING_PERCENT");
    const dropped = [...read].filter((name) => !patterns.some((p) => p.test(name)));
    expect(dropped, "add them to passThroughEnv").toEqual([]);
  });
});
