import { execFile } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { repoRoot } from "../src/services.js";

// No Docker engine runs here, so the compose file is checked statically: every service it names
// is a workspace with a composition root, and every variable it sets is one that process reads.
interface ComposeService {
  build?: { context?: string; args?: Record<string, string> };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string[];
  image?: string;
  profiles?: string[];
  healthcheck?: { test?: string[] };
}
// `merge: true`: resolve the `<<: *anchor` merge keys the file uses (YAML 1.1), as Compose does.
const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");

const configModules: Record<string, () => Promise<Record<string, unknown>>> = {
  "services/intake": () => import("@oceanpos/intake/config"),
  "services/payer": () => import("@oceanpos/payer/config"),
  "services/notifier": () => import("@oceanpos/notifier/config"),
  "services/ledger": () => import("@oceanpos/ledger/config"),
  "packages/sandbox": () => import("@oceanpos/sandbox/config"),
};

/** The variable names a config module's zod schemas read. */
function variablesOf(module: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  const visit = (schema: z.ZodType): void => {
    if (schema instanceof z.ZodObject) for (const key of Object.keys(schema.shape)) names.add(key);
    else if (schema instanceof z.ZodPipe) {
      visit(schema.in as z.ZodType);
      visit(schema.out as z.ZodType);
    }
  };
  for (const value of Object.values(module)) if (value instanceof z.ZodType) visit(value);
  return names;
}

describe("Dockerfile", () => {
  // BuildKit reads the parser directive only from the very first line; anywhere else it is a comment.
  it("starts with its # syntax= directive", () => {
    expect(dockerfile.split("\n")[0]).toMatch(/^# syntax=docker\/dockerfile:\d+$/);
  });

  it("builds from a pinned Node.js release on the line .nvmrc names", () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] as string);
    expect(bases.length).toBeGreaterThan(0);
    const line = readFileSync(join(repoRoot, ".nvmrc"), "utf8").trim();
    for (const base of bases) expect(base).toMatch(new RegExp(`^node:${line}\\.\\d+\\.\\d+-`));
  });

  const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
  const installed = [...runtime.matchAll(/^COPY (\S+)\/package\.json /gm)].map((m) => m[1]);

  // A workspace's package.json in the runtime stage installs its dependencies: the test fixture's
  // would put Testcontainers and Vitest in the image. Checked here because no Docker engine runs it.
  it("installs in the runtime stage only the workspaces whose dist it copies", () => {
    const copied = [...runtime.matchAll(/^COPY --from=build \/app\/(\S+)\/dist /gm)].map((m) => m[1]);
    expect(installed.length).toBeGreaterThan(0);
    expect(installed.sort()).toEqual([...copied].sort());
  });
});

describe("what a production install takes", () => {
  /** Test runners and fixtures, and the project's own test fixtures package. */
  const isTestLibrary = (name: string) => /^(vitest|@vitest\/.+|testcontainers|@testcontainers\/.+|@oceanpos\/testing)$/.test(name);
  const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
  const workspaces = rootManifest.workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, "");
    return readdirSync(join(repoRoot, parent)).filter((dir) => existsSync(join(repoRoot, parent, dir, "package.json"))).map((dir) => `${parent}/${dir}`);
  });

  // `npm ci --omit=dev` installs every workspace's `dependencies`: a test library there would be
  // in whatever installs that workspace, the image included (it leaves nothing out for that).
  it("has no test library among any workspace's production dependencies", () => {
    expect(workspaces.length).toBeGreaterThan(8);
    for (const dir of workspaces) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
      expect(Object.keys(manifest.dependencies ?? {}).filter(isTestLibrary), `${dir}'s dependencies`).toEqual([]);
    }
  });

  // What a workspace's code needs at run time must come from its production dependencies: a
  // tool importing the test fixtures would fail where only those are installed.
  it("has no code outside tests importing a test library", () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [join(dir, entry.name)] : [],
      );
    const offenders = workspaces
      .filter((dir) => dir !== "packages/testing" && existsSync(join(repoRoot, dir, "src")))
      .flatMap((dir) => sources(join(repoRoot, dir, "src")))
      .filter((file) => [...readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)].some((m) => isTestLibrary(m[1] as string)));
    expect(offenders.map((file) => file.slice(repoRoot.length))).toEqual([]);
  });

  it("has every test library marked dev-only in the lockfile, so --omit=dev skips it", () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
    // Workspaces are links, always installed: the check above keeps them out of `dependencies`.
    const entries = Object.entries(lock.packages).filter(([path, entry]) => !entry.link && isTestLibrary(path.replace(/^.*node_modules\//, "")));
    expect(entries.map(([path]) => path)).toEqual(expect.arrayContaining(["node_modules/vitest", "node_modules/testcontainers"]));
    expect(entries.filter(([, entry]) => entry.dev !== true).map(([path]) => path)).toEqual([]);
  });
});

describe("docker-compose.yml", () => {
  const text = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");

  // `redis:7` or `latest` moves under a running system at the next pull.
  it("pins every image to a release", () => {
    const images = Object.entries(compose.services).filter(([, service]) => service.image !== undefined);
    expect(images.length).toBeGreaterThan(3);
    for (const [name, service] of images) expect(service.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.]+)?$/);
  });

  it("lists in .env.example every variable it reads, and nothing else", () => {
    const read = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] as string));
    const example = readFileSync(join(repoRoot, ".env.example"), "utf8");
    const listed = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1] as string));
    expect(read.size).toBeGreaterThan(2);
    expect([...listed].sort()).toEqual([...read].sort());
    // A secret has no default, so compose refuses to start without it.
    for (const secret of ["ADMIN_TOKEN", "POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"]) {
      expect(text, secret).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
      expect(example, secret).toMatch(new RegExp(`^${secret}=$`, "m"));
    }
  });

  it("gives Grafana no anonymous access and no default admin password", () => {
    const env = compose.services.grafana?.environment ?? {};
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe("false");
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBeUndefined();
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(env.GF_USERS_ALLOW_SIGN_UP).toBe("false");
  });

  it("runs Redis 7 with the append-only file, no eviction and a volume", () => {
    const redis = compose.services.redis;
    expect(redis?.image).toMatch(/^redis:7/);
    expect(redis?.command?.join(" ")).toContain("--appendonly yes");
    expect(redis?.command?.join(" ")).toContain("--maxmemory-policy noeviction");
  });

  it("runs PostgreSQL on a pinned release with a volume and a health check, and the ledger waits for it", () => {
    const postgres = compose.services.postgres;
    expect(postgres?.image).toMatch(/^postgres:\d+\.\d+/);
    expect(postgres?.volumes).toEqual(["postgres-data:/var/lib/postgresql/data"]);
    expect(postgres?.healthcheck?.test?.slice(0, 2)).toEqual(["CMD", "pg_isready"]);
    const ledger = compose.services.ledger;
    expect(ledger?.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(ledger?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/oceanpos$/);
    expect(postgres?.environment?.POSTGRES_DB).toBe("oceanpos");
  });

  it("ships the ledger's migrations in the image", () => {
    expect(dockerfile).toContain("COPY --from=build /app/services/ledger/migrations services/ledger/migrations");
  });

  it("ships the built console in the image, and points the ledger's console at the intake and notifier containers", () => {
    expect(dockerfile).toContain("COPY --from=build /app/packages/console/dist packages/console/dist");
    expect(dockerfile).toMatch(/^COPY packages\/console\/package\.json packages\/console\/assets\.js packages\/console\/$/m);
    expect(compose.services.ledger?.environment).toMatchObject({ CONSOLE_INTAKE_URL: "http://intake:3000", CONSOLE_NOTIFIER_URL: "http://notifier:3001" });
  });

  // Services built from this repository; image-only ones (redis, postgres, prometheus, grafana) have no config module.
  const appServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it("has one container per process", () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(["intake", "ledger", "notifier", "payer", "sandbox"]);
  });

  it("starts the observability images only under the `observability` profile", () => {
    const images = Object.entries(compose.services).filter(([name, service]) => service.build === undefined && name !== "redis" && name !== "postgres");
    expect(images.map(([name]) => name).sort()).toEqual(["grafana", "prometheus"]);
    for (const [name, service] of images) expect(service.profiles, name).toEqual(["observability"]);
  });

  // The image's node runs the healthcheck as Docker would (no shell, no interpolation), with the
  // service's environment: 0 for a ready process, 1 for a 503 or for nothing listening.
  for (const [name, service] of appServices) {
    it(`${name}: its healthcheck asks /readyz on the port it listens on`, async () => {
      const [kind, ...argv] = service.healthcheck?.test ?? [];
      expect(kind).toBe("CMD");
      expect(argv.join(" "), "a single $ would be interpolated by compose").not.toMatch(/(?<!\$)\$(?!\$)/);
      const portVar = Object.keys(service.environment ?? {}).find((v) => v.endsWith("_PORT")) as string;
      let status = 200;
      const server = createServer((req, res) => res.writeHead(req.url === "/readyz" ? status : 404).end());
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const port = (server.address() as AddressInfo).port;
      const check = (env: Record<string, string>) =>
        new Promise<number | null>((resolve) => {
          execFile(process.execPath, argv.slice(1), { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 10_000 }, (err) => resolve(err ? ((err as { code?: number }).code ?? -1) : 0));
        });
      try {
        expect(argv[0]).toBe("node");
        expect(await check({ [portVar]: String(port) }), "ready").toBe(0);
        status = 503;
        expect(await check({ [portVar]: String(port) }), "503").toBe(1);
      } finally {
        server.close();
      }
      expect(await check({ [portVar]: String(port) }), "nothing listening").toBe(1);
    });
  }

  for (const [name, service] of appServices) {
    it(`${name}: builds an existing workspace and sets only variables it reads`, async () => {
      const dir = service.build?.args?.SERVICE_DIR;
      expect(dir, `${name} needs build.args.SERVICE_DIR`).toBeDefined();
      expect(existsSync(join(repoRoot, dir as string, "src/main.ts")), `${dir}/src/main.ts`).toBe(true);
      expect(dockerfile).toContain(`COPY --from=build /app/${dir}/dist ${dir}/dist`);
      const load = configModules[dir as string];
      expect(load, `no config module known for ${dir}`).toBeDefined();
      const known = variablesOf(await (load as () => Promise<Record<string, unknown>>)());
      expect(known.size).toBeGreaterThan(5);
      const unknown = Object.keys(service.environment ?? {}).filter((v) => !known.has(v));
      expect(unknown, `${name} sets variables its config does not read`).toEqual([]);
    });
  }
});
