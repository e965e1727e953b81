import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/services.js";

// The root scripts that build or test go through turbo. In its default strict mode turbo hands a
// task only the variables turbo.json lists: `HEAP_GROWING_PERCENT=0 npm run bench` silently ran
// with the defaults. The run scripts therefore ask for the loose mode (the services are configured
// by their environment), while `npm test` stays strict: a NODE_ENV or a service variable left in
// the caller's shell must not change what the tests run. Asked of turbo itself: each script's own
// command, as a dry run. `npm start`, `npm run dev` and `npm run pos` run their launcher directly
// (a person reads their output: no build tool's banners), with the caller's whole environment.
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
  for (const script of ["bench", "chaos"]) {
    it(`npm run ${script} hands its task the caller's whole environment`, () => {
      expect(envModesOf(script)).toEqual(["loose"]);
    }, 30_000);
  }

  it("npm test keeps the tests to the variables turbo.json lists", () => {
    expect(envModesOf("test")).toEqual(["strict"]);
  }, 30_000);
});

describe("npm start, npm run dev and npm run pos", () => {
  const workspaceScript = (dir: string, script: string) =>
    (JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[script];

  it("run the same command as their workspace's script, from the root, without turbo", () => {
    expect(scripts.start).toBe(workspaceScript("tools/stack", "start")?.replace("src/main.ts", "tools/stack/src/main.ts"));
    expect(scripts.dev).toBe(workspaceScript("tools/stack", "dev")?.replace("src/main.ts", "tools/stack/src/main.ts"));
    expect(scripts.pos).toBe(workspaceScript("tools/pos", "pos")?.replace("src/main.ts", "tools/pos/src/main.ts"));
  });

  it("print what the program prints and no build tool's banner", () => {
    const out = execFileSync("npm", ["run", "pos", "--", "--help"], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
    expect(out).toContain("usage: npm run pos -- pay --amount 12.50");
    for (const banner of ["turbo", "Packages in scope", "Tasks:", "Cached:", "> @oceanpos/pos"]) expect(out, banner).not.toContain(banner);
  }, 60_000);
});
