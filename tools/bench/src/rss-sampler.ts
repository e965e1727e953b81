import { readFileSync, readdirSync } from "node:fs";

/**
 * Samples the resident set size of some processes from /proc every `intervalMs`; keeps the peak
 * per name and the phase it was reached in.
 */
export class RssSampler {
  readonly peakMb = new Map<string, number>();
  /** The phase that was running when each peak was sampled. */
  readonly peakPhase = new Map<string, string>();
  /** What runs now (set by the caller), recorded with each new peak. */
  phase = "start-up";
  /** The first sample per name: the idle footprint right after start-up. */
  readonly firstMb = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => ReadonlyMap<string, number | undefined>, private readonly intervalMs = 250) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  sample(): void {
    for (const [name, pid] of this.pids()) {
      if (pid === undefined) continue;
      const mb = rssMb(pid);
      if (mb !== undefined && !this.firstMb.has(name)) this.firstMb.set(name, mb);
      if (mb !== undefined && mb > (this.peakMb.get(name) ?? 0)) {
        this.peakMb.set(name, mb);
        this.peakPhase.set(name, this.phase);
      }
    }
  }
}

/** VmRSS of `pid` in MB, or undefined when the process is gone (or not on Linux). */
export function rssMb(pid: number): number | undefined {
  try {
    return parseVmRssMb(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Reads `VmRSS:  123456 kB` out of a /proc/<pid>/status text. */
export function parseVmRssMb(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
}

/**
 * CPU time (user + system) a process has used so far, in ms, with that of its children it has
 * waited for (Redis's AOF rewrites and snapshots run in forked children); undefined when it is gone.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    return parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * CPU time of a process and of its live children, in ms: a PostgreSQL cluster's postmaster and its
 * backends (a backend's time moves to the postmaster's `cutime` when it exits, so nothing is lost
 * or counted twice); undefined when the process is gone.
 */
export function treeCpuMs(pid: number): number | undefined {
  const own = cpuMs(pid);
  if (own === undefined) return undefined;
  let children = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile: its time is in the parent's cutime now
    }
    if (parseProcStatParent(stat) === pid) children += parseProcStatCpuMs(stat) ?? 0;
  }
  return own + children;
}

/** The parent's process id (field 4) of a /proc/<pid>/stat line. */
export function parseProcStatParent(stat: string): number | undefined {
  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** utime + stime + cutime + cstime (fields 14–17, in clock ticks of 10 ms on Linux) of a /proc/<pid>/stat line. */
export function parseProcStatCpuMs(stat: string, ticksPerSec = 100): number | undefined {
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = rest.slice(11, 15).map(Number);
  if (ticks.length !== 4 || !ticks.every(Number.isFinite)) return undefined;
  return (ticks.reduce((a, b) => a + b, 0) * 1000) / ticksPerSec;
}
