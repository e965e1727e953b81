import { describe, expect, it } from "vitest";
import { ownerOf, summarizeProfile } from "./profile-summary.js";

describe("profile summary", () => {
  it("attributes self time to functions and owners, leaving idle out of the percentages", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2, 3, 4] },
        { id: 2, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
        { id: 3, callFrame: { functionName: "exec", url: "file:///r/node_modules/ioredis/built/Pipeline.js", lineNumber: 233 } },
        { id: 4, callFrame: { functionName: "accept", url: "file:///r/services/intake/src/payment-intake.ts", lineNumber: 40 } },
      ],
      samples: [2, 3, 3, 4],
      timeDeltas: [5000, 3000, 3000, 2000],
      startTime: 0,
      endTime: 13000,
    };
    const s = summarizeProfile(profile);
    expect(s.busyMs).toBe(8);
    expect(s.functions[0]).toEqual({ name: "exec ioredis/built/Pipeline.js:234", selfMs: 6, selfPct: 75 });
    expect(s.owners.map((o) => o.name)).toEqual(["ioredis", "services/intake"]);
  });

  it("names owners", () => {
    expect(ownerOf("file:///x/node_modules/@pinojs/redact/index.js", "f")).toBe("@pinojs/redact");
    expect(ownerOf("file:///x/packages/core/src/a.ts", "f")).toBe("packages/core");
    expect(ownerOf("node:internal/streams/writable", "f")).toBe("node:internal");
    expect(ownerOf("", "(garbage collector)")).toBe("(garbage collector)");
  });
});
