/** One command's share of Redis's work: calls and the microseconds Redis spent executing them. */
export interface CommandStat {
  calls: number;
  usec: number;
}

/**
 * Parses `INFO commandstats` (`cmdstat_<name>:calls=…,usec=…,…`). Commands a script runs are
 * counted under their own names as well as inside the script's `usec`.
 */
export function parseCommandStats(info: string): Map<string, CommandStat> {
  const stats = new Map<string, CommandStat>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(match[1] ?? "", { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** What ran between two readings, largest `usec` first, at most `top` commands. */
export function commandStatsSince(before: Map<string, CommandStat>, after: Map<string, CommandStat>, top: number): Record<string, CommandStat> {
  const spent: [string, CommandStat][] = [];
  for (const [name, now] of after) {
    const then = before.get(name) ?? { calls: 0, usec: 0 };
    const calls = now.calls - then.calls;
    if (calls > 0) spent.push([name, { calls, usec: now.usec - then.usec }]);
  }
  return Object.fromEntries(spent.sort((a, b) => b[1].usec - a[1].usec).slice(0, top));
}
