import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/services.js";

// scripts/check-node.mjs is the one check of the running Node.js (turbo runs it before every
// typecheck, lint and test task). Here it is asked about other versions, as a process, the way
// turbo runs it. The supported lines are written out here, not read from package.json: changing
// them is a decision this test makes someone restate.
function check(version?: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, "scripts/check-node.mjs"), ...(version ? [version] : [])], { encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

const packageJson = (dir: string) => JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { engines?: { node?: string }; workspaces?: string[] };

describe("the supported Node.js", () => {
  it("accepts Node.js 24 LTS from 24.11.0 and Node.js 26", () => {
    for (const version of ["24.11.0", "24.21.0", "26.0.0", "26.10.0"]) expect(check(version).status, version).toBe(0);
  });

  it("refuses an ended, odd or not yet supported line, and says how to get Node.js 24", () => {
    for (const version of ["20.19.0", "22.22.0", "24.10.0", "25.9.0", "27.0.0"]) {
      const { status, stderr } = check(version);
      expect(status, version).toBe(1);
      expect(stderr).toContain(`Node.js ${version} is not supported`);
      expect(stderr).toContain('export PATH="$(dirname "$(npx -y node@24 -p process.execPath)"):$PATH"');
    }
  });

  it("passes on the Node.js running the tests", () => {
    expect(check()).toEqual({ status: 0, stderr: "" });
  });

  it("is the range every workspace declares, and .nvmrc names its line", () => {
    const root = packageJson(".");
    expect(root.engines?.node).toBe("^24.11.0 || ^26.0.0");
    const workspaces = (root.workspaces ?? []).flatMap((glob) => {
      const parent = glob.replace(/\/\*$/, "");
      return readdirSync(join(repoRoot, parent)).map((name) => join(parent, name)).filter((dir) => existsSync(join(repoRoot, dir, "package.json")));
    });
    expect(workspaces).toContain("services/payer");
    for (const dir of workspaces) expect(packageJson(dir).engines?.node, dir).toBe(root.engines?.node);
    expect(readFileSync(join(repoRoot, ".nvmrc"), "utf8").trim()).toBe("24");
  });
});
