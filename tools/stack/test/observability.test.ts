import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../src/services.js";

// Prometheus and Grafana cannot run here (no Docker engine), so their files are checked
// statically: the scrape targets are the compose services on the ports they listen on, and every
// dashboard query names metrics that some process really registers.
interface ComposeService {
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}
const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, ComposeService> };
const prometheus = parse(read("deploy/prometheus/prometheus.yml")) as {
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
};
interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(read("deploy/grafana/dashboards/oceanpos.json")) as { uid: string; panels: Panel[] };
const datasources = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as { datasources: { uid: string; url: string }[] };

/** The ports a compose service listens on inside the network: `*_PORT` variables and the container side of `ports`. */
function containerPorts(service: ComposeService): Set<string> {
  const fromEnv = Object.entries(service.environment ?? {})
    .filter(([name]) => name.endsWith("_PORT"))
    .map(([, value]) => String(value));
  const fromPorts = (service.ports ?? []).map((mapping) => mapping.split(":").at(-1) as string);
  return new Set([...fromEnv, ...fromPorts]);
}

/** Every non-test TypeScript source of services/*\/src and packages/*\/src, concatenated. */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) texts.push(readFileSync(path, "utf8"));
    }
  };
  for (const group of ["services", "packages"]) {
    for (const workspace of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      if (workspace.isDirectory()) {
        try {
          walk(join(repoRoot, group, workspace.name, "src"));
        } catch {
          // A workspace without src/ registers nothing.
        }
      }
    }
  }
  return texts.join("\n");
}

const promqlKeywords = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"]);

/** The metric names a PromQL expression selects (functions, labels, strings and ranges removed). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = [...bare.matchAll(/\b[A-Za-z_][A-Za-z0-9_]*\b(?!\s*\()/g)].map((m) => m[0]);
  return [...new Set(names.filter((n) => !promqlKeywords.has(n)))];
}

describe("deploy/prometheus/prometheus.yml", () => {
  const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets.map((t) => ({ job, target: t }))));

  it("scrapes every process built by compose", () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined).map(([name]) => name);
    expect(targets.map(({ target }) => target.split(":")[0]).sort()).toEqual(built.sort());
  });

  for (const { job, target } of targets) {
    it(`${job.job_name}: ${target} is a compose service on a port it listens on, path /metrics`, () => {
      const [host, port] = target.split(":") as [string, string];
      const service = compose.services[host];
      expect(service, `no compose service ${host}`).toBeDefined();
      expect([...containerPorts(service as ComposeService)]).toContain(port);
      expect(job.metrics_path ?? "/metrics").toBe("/metrics");
    });
  }

  it("is the file the prometheus service mounts", () => {
    expect(compose.services.prometheus?.volumes).toContain("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  });
});

describe("deploy/grafana", () => {
  const source = sourceText();
  const registered = (name: string) =>
    [name, name.replace(/_(?:bucket|sum|count)$/, "")].some((candidate) => source.includes(`"${candidate}"`));

  it("provisions the Prometheus datasource every panel uses", () => {
    const [datasource] = datasources.datasources;
    expect(datasource?.url).toBe("http://prometheus:9090");
    for (const panel of dashboard.panels) expect(panel.datasource?.uid, panel.title).toBe(datasource?.uid);
    expect(compose.services.grafana?.volumes).toEqual(
      expect.arrayContaining(["./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro"]),
    );
  });

  it("extracts metric names from PromQL", () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(x_seconds_bucket{service="intake"}[$__rate_interval])))')).toEqual(["x_seconds_bucket"]);
    expect(metricNames('sum(a_total{outcome!="delivered"}) / max by (q) (b)')).toEqual(["a_total", "b"]);
  });

  for (const panel of dashboard.panels) {
    it(`panel "${panel.title}" queries only metrics registered in some services/*/src or packages/*/src`, () => {
      const names = (panel.targets ?? []).flatMap((t) => metricNames(t.expr));
      expect(names.length, "a panel without a metric shows nothing").toBeGreaterThan(0);
      expect(names.filter((name) => !registered(name)), "unknown metric names").toEqual([]);
    });
  }
});
