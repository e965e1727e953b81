import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The repository's Redocly configuration (rules and their severities). */
export const redoclyConfigPath = resolve(dirname(fileURLToPath(import.meta.url)), "../../../redocly.yaml");

export interface OpenApiCheckOptions {
  /** File stem of the document and its generated types, e.g. `intake`. */
  name: string;
  /** Schemas the generated types must name (`components["schemas"][name]`): what SDK users import. */
  namedSchemas?: readonly string[];
  /** Lint findings that are right for this API (`rule`, the finding's JSON pointer), each with the contract's reason. */
  accepted?: readonly { rule: string; location: string; reason: string }[];
}

export interface OpenApiProblem {
  /** `lint` (Redocly) or `types` (openapi-typescript's output does not compile). */
  source: "lint" | "types";
  /** Redocly's rule id, or the TypeScript diagnostic code. */
  rule: string;
  message: string;
  /** A JSON pointer into the document, or a file:line in the generated types. */
  location: string;
}

interface RedoclyReport {
  problems: { ruleId: string; severity: "error" | "warn"; message: string; location: { pointer?: string }[] }[];
}

/**
 * What a client developer would run on an API's OpenAPI document: Redocly's linter with the
 * repository's rules (every error and warning is a problem), then openapi-typescript, whose output
 * must compile under `strict` and name each of `namedSchemas`. Writes both to a temp dir, removed
 * afterwards. Returns the problems; none means the document is fit for SDK generators.
 */
export async function checkOpenApiDocument(document: unknown, options: OpenApiCheckOptions): Promise<OpenApiProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), `openapi-${options.name}-`));
  try {
    const docPath = join(dir, `${options.name}.json`);
    await writeFile(docPath, JSON.stringify(document, null, 2));
    const [lint, types] = await Promise.all([lintDocument(docPath), compileTypes(document, dir, options)]);
    const accepted = (p: OpenApiProblem) => options.accepted?.some((a) => p.rule.startsWith(`${a.rule} `) && p.location === a.location) ?? false;
    return [...lint.filter((p) => !accepted(p)), ...types];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function lintDocument(docPath: string): Promise<OpenApiProblem[]> {
  const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin/cli.js");
  const args = [cli, "lint", docPath, "--config", redoclyConfigPath, "--format", "json"];
  // Exit code 1 when it found errors; the JSON report on stdout either way.
  const { stdout } = await run(process.execPath, args, { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }, maxBuffer: 16 * 1024 * 1024 }).catch(
    (err: { stdout?: string; stderr?: string; message: string }) => {
      if (err.stdout?.trim().startsWith("{")) return { stdout: err.stdout };
      throw new Error(`redocly lint did not run: ${err.stderr ?? err.message}`);
    },
  );
  const report = JSON.parse(stdout) as RedoclyReport;
  return report.problems.map((p) => ({
    source: "lint",
    rule: `${p.ruleId} (${p.severity})`,
    message: p.message,
    location: p.location.map((l) => l.pointer ?? "").join(" "),
  }));
}

async function compileTypes(document: unknown, dir: string, options: OpenApiCheckOptions): Promise<OpenApiProblem[]> {
  const typesPath = join(dir, `${options.name}.ts`);
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0]);
  await writeFile(typesPath, astToString(ast));
  // A client's use of the named types: fails to compile when a schema is anonymous or missing.
  const usePath = join(dir, `${options.name}-use.ts`);
  const uses = (options.namedSchemas ?? []).map((schema, i) => `export type T${i} = components["schemas"][${JSON.stringify(schema)}];`);
  await writeFile(usePath, [`import type { components, paths } from "./${options.name}.js";`, "export type P = keyof paths;", ...uses, ""].join("\n"));
  const program = ts.createProgram([typesPath, usePath], {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    // The generated files are what is checked; the standard library is trusted (and slow to check).
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return {
      source: "types",
      rule: `TS${d.code}`,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      location: d.file && where ? `${d.file.fileName.slice(dir.length + 1)}:${where.line + 1}` : "",
    };
  });
}
