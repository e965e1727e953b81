import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../src/services.js";

// Prometheus and Grafana cannot run here (no Docker engine), so their files are checked
// statically: the scrape targets are the compose services on the ports they listen on, and every
// dashboard query and alert rule is PromQL that parses (with the Prometheus project's own parser,
// the one its web UI uses) and names metrics that some process really registers.
interface ComposeService {
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}
const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, ComposeService> };
const prometheus = parse(read("deploy/prometheus/prometheus.yml")) as {
  rule_files?: string[];
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
};
interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}
const alerts = parse(read("deploy/prometheus/alerts.yml")) as { groups: { name: string; rules: AlertRule[] }[] };
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

/**
 * Parses a PromQL expression (Grafana's `$__…` interval variables read as 5m): its syntax errors
 * and the metric names its selectors name.
 */
function promql(expr: string): { errors: string[]; metrics: string[] } {
  const text = expr.replace(/\$__(?:rate_interval|interval|range)/g, "5m");
  const errors: string[] = [];
  const metrics = new Set<string>();
  promqlParser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 10), node.to + 10))}`);
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") metrics.add(text.slice(node.from, node.to));
    },
  });
  return { errors, metrics: [...metrics] };
}

/** Every source of services/*\/src and packages/*\/src: a metric is registered when its name appears quoted there. */
const source = sourceText();
/** Series Prometheus makes itself. */
const builtIn = new Set(["up"]);
const registered = (name: string) =>
  builtIn.has(name) || [name, name.replace(/_(?:bucket|sum|count)$/, "")].some((candidate) => source.includes(`"${candidate}"`));

it("reads PromQL with the Prometheus parser: syntax errors and metric names", () => {
  expect(promql('histogram_quantile(0.95, sum by (le, route) (rate(x_seconds_bucket{service="intake"}[$__rate_interval])))')).toEqual({ errors: [], metrics: ["x_seconds_bucket"] });
  expect(promql('sum(a_total{outcome!="delivered"}) / on(q) max by (q) (b) > 0.8 * max(up == 0)').metrics).toEqual(["a_total", "b", "up"]);
  expect(promql("sum(rate(a_total[5m]) by").errors).not.toEqual([]);
});

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
  it("provisions the Prometheus datasource every panel uses", () => {
    const [datasource] = datasources.datasources;
    expect(datasource?.url).toBe("http://prometheus:9090");
    for (const panel of dashboard.panels) expect(panel.datasource?.uid, panel.title).toBe(datasource?.uid);
    expect(compose.services.grafana?.volumes).toEqual(
      expect.arrayContaining(["./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro"]),
    );
  });

  for (const panel of dashboard.panels) {
    it(`panel "${panel.title}": PromQL that parses, on metrics registered in some services/*/src or packages/*/src`, () => {
      const parsed = (panel.targets ?? []).map((t) => promql(t.expr));
      expect(parsed.flatMap((p) => p.errors), "syntax errors").toEqual([]);
      const names = parsed.flatMap((p) => p.metrics);
      expect(names.length, "a panel without a metric shows nothing").toBeGreaterThan(0);
      expect(names.filter((name) => !registered(name)), "unknown metric names").toEqual([]);
    });
  }
});

describe("deploy/prometheus/alerts.yml", () => {
  it("is loaded by Prometheus: listed in rule_files and mounted there", () => {
    expect(prometheus.rule_files).toEqual(["/etc/prometheus/alerts.yml"]);
    expect(compose.services.prometheus?.volumes).toContain("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
  });

  const rules = alerts.groups.flatMap((g) => g.rules);
  it("names each alert once", () => {
    expect(rules.length).toBeGreaterThan(5);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  for (const rule of rules) {
    it(`${rule.alert}: PromQL that parses, on registered metrics, with a severity and a runbook`, () => {
      const { errors, metrics } = promql(rule.expr);
      expect(errors, "syntax errors").toEqual([]);
      expect(metrics.length).toBeGreaterThan(0);
      expect(metrics.filter((name) => !registered(name)), "unknown metric names").toEqual([]);
      expect(["page", "warning"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    });
  }
});
