import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/services.js";

// Every root script goes through turbo. In its default strict mode turbo hands a task only the
// variables turbo.json lists: `INTAKE_PORT=4000 npm start` or `HEAP_GROWING_PERCENT=0 npm run
// bench` silently ran with the defaults. The run scripts therefore ask for the loose mode (the
// services are configured by their environment), while `npm test` stays strict: a NODE_ENV or a
// service variable left in the caller's shell must not change what the tests run.
// Asked of turbo itself: each script's own command, as a dry run.
const scripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

function envModesOf(script: string): string[] {
  const [command, ...args] = (scripts[script] ?? "").split(" ").filter((a) => a !== "--");
  expect(command, `npm run ${script} goes through turbo`).toBe("turbo");
  const dry = JSON.parse(
    execFileSync(join(repoRoot, "node_modules/.bin/turbo"), [...args, "--dry=json"], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } }),
  ) as { tasks: { envMode: string }[] };
  expect(dry.tasks.length, script).toBeGreaterThan(0);
  return [...new Set(dry.tasks.map((t) => t.envMode))];
}

describe("the root scripts' environment", () => {
  for (const script of ["start", "dev", "pos", "bench", "chaos"]) {
    it(`npm run ${script} hands its task the caller's whole environment`, () => {
      expect(envModesOf(script)).toEqual(["loose"]);
    }, 30_000);
  }

  it("npm test keeps the tests to the variables turbo.json lists", () => {
    expect(envModesOf("test")).toEqual(["strict"]);
  }, 30_000);
});
