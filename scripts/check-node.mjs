// The one check that the running Node.js is a supported one: the range of the root package.json's
// `engines.node`. turbo runs it (the root task `//#check-node`) before every typecheck, lint and
// test task, so `npm test` on another Node fails at once with what to do, instead of somewhere
// inside a dependency that needs a newer one. Plain JavaScript without dependencies, so that it
// runs, and explains, on an old Node too. `node scripts/check-node.mjs 20.19.0` checks that
// version instead of the running one.
// It reads the range syntax the root uses: alternatives joined by `||`, each one or more of
// `^X.Y.Z`, `>=X.Y.Z`, `<X.Y.Z`; anything else is reported as an error, never passed.
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const range = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).engines.node;
const line = readFileSync(new URL(".nvmrc", root), "utf8").trim();
const version = process.argv[2] ?? process.versions.node;

/** `"24.11.0"` → `[24, 11, 0]`; missing parts are 0. */
function parse(text) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a version: "${text}"`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function satisfiesComparator(v, comparator) {
  const match = /^(\^|>=|<)(.+)$/.exec(comparator);
  if (!match) throw new Error(`unsupported comparator "${comparator}" in engines.node "${range}"`);
  const bound = parse(match[2]);
  switch (match[1]) {
    case "^":
      return v[0] === bound[0] && compare(v, bound) >= 0;
    case ">=":
      return compare(v, bound) >= 0;
    case "<":
      return compare(v, bound) < 0;
  }
  return false;
}

const v = parse(version);
const supported = range
  .split("||")
  .some((alternative) => alternative.trim().split(/\s+/).every((comparator) => satisfiesComparator(v, comparator)));

if (!supported) {
  process.stderr.write(
    [
      `Node.js ${version} is not supported: this project runs on Node.js ${range} (package.json "engines").`,
      `Get Node.js ${line} (nvm: \`nvm install\` reads .nvmrc), or fetch it from the npm registry for this shell:`,
      `  export PATH="$(dirname "$(npx -y node@${line} -p process.execPath)"):$PATH"`,
      `then run \`npm ci\` and \`npm test\` again.`,
      "",
    ].join("\n"),
  );
  process.exit(1);
}
