import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/services.js";

// Every run script goes through turbo. In its default strict mode turbo hands a task only the
// variables turbo.json lists, so `INTAKE_PORT=4000 npm start` or `HEAP_GROWING_PERCENT=0 npm run
// bench` silently ran with the defaults. The services are configured by their environment: the
// tasks must get all of it. Asked of turbo itself (a dry run), not read from turbo.json.
describe("turbo", () => {
  it("hands npm start, pos, bench, chaos and test the caller's whole environment", () => {
    const turbo = join(repoRoot, "node_modules/.bin/turbo");
    const dry = JSON.parse(
      execFileSync(turbo, ["run", "start", "pos", "bench", "chaos", "test", "--dry=json"], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } }),
    ) as { tasks: { taskId: string; task: string; envMode: string }[] };
    const tasks = new Set(dry.tasks.map((t) => t.task));
    for (const task of ["start", "pos", "bench", "chaos", "test"]) expect(tasks, task).toContain(task);
    const strict = dry.tasks.filter((t) => t.envMode !== "loose").map((t) => `${t.taskId}: ${t.envMode}`);
    expect(strict).toEqual([]);
  }, 30_000);
});
