import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { RssSampler, cpuMs, parseProcStatCpuMs, parseProcStatParent, parseVmRssMb, treeCpuMs } from "./rss-sampler.js";

describe("/proc parsing", () => {
  it("reads VmRSS in MB", () => {
    expect(parseVmRssMb("Name:\tnode\nVmRSS:\t  204800 kB\nVmSwap: 0 kB\n")).toBe(200);
    expect(parseVmRssMb("Name:\tnode\n")).toBeUndefined();
  });

  it("reads utime + stime + the waited-for children's, even when the command name has spaces", () => {
    const stat = "1234 (node main) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 30 20 20 0 11 0 100 0 0";
    expect(parseProcStatCpuMs(stat)).toBe(3500);
    expect(parseProcStatCpuMs("1234 (redis-server) S 1 1234")).toBeUndefined();
  });

  it("reads the parent's process id", () => {
    expect(parseProcStatParent("1234 (postgres: writer) S 77 1234 1234 0")).toBe(77);
  });
});

describe("treeCpuMs", () => {
  it("adds the CPU of live children (a cluster's backends) to the process's own", async () => {
    // A child that spends 300 ms of CPU, says so, and stays alive.
    const child = spawn(process.execPath, ["-e", "const t = Date.now(); while (Date.now() - t < 300); console.log('spun'); setInterval(() => {}, 1000);"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await once(child.stdout, "data");
      const own = cpuMs(process.pid) ?? Number.NaN;
      const tree = treeCpuMs(process.pid) ?? Number.NaN;
      expect(tree - own).toBeGreaterThanOrEqual(200);
    } finally {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  });
});

describe("RssSampler", () => {
  it("records the phase in which each process reached its peak", () => {
    const sampler = new RssSampler(() => new Map([["self", process.pid]]));
    sampler.phase = "small";
    sampler.sample();
    const before = sampler.peakMb.get("self") ?? 0;
    // 64 MB touched: resident now.
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    sampler.phase = "large";
    sampler.sample();
    expect(held.length).toBeGreaterThan(0);
    expect(sampler.peakMb.get("self")).toBeGreaterThan(before + 32);
    expect(sampler.peakPhase.get("self")).toBe("large");
    expect(sampler.firstMb.get("self")).toBe(before);
  });
});
