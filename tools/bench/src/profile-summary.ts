import { readFileSync } from "node:fs";

/** The parts of a V8 `.cpuprofile` this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  selfPct: number;
}

/**
 * Self time per function (`name url:line`) and per "owner" (a node_modules package, a workspace
 * folder, or a V8 bucket like `(garbage collector)`), largest first. `(idle)` is left out of the
 * percentages, which are of busy time.
 */
export function summarizeProfile(profile: CpuProfile, top = 15): { busyMs: number; idlePct: number; functions: ProfileEntry[]; owners: ProfileEntry[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const label = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    fn.set(label, (fn.get(label) ?? 0) + us);
    const o = ownerOf(frame.url, frame.functionName);
    owner.set(o, (owner.get(o) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), selfPct: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  return { busyMs: Math.round(busyUs / 1000), idlePct: totalUs > 0 ? Math.round((idleUs / totalUs) * 1000) / 10 : 0, functions: rank(fn), owners: rank(owner) };
}

/** `node_modules/<pkg>` (scoped included), a workspace folder, `node:<module>`, or the V8 bucket. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const ws = /\/(packages|services|tools)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith("node:")) return url.split("/")[0] as string;
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const ws = /\/((?:packages|services|tools)\/.*)$/.exec(url);
  return ws ? (ws[1] as string) : url.replace(/^file:\/\//, "");
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}
