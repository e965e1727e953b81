import { describe, expect, it } from "vitest";
import { commandStatsSince, parseCommandStats } from "./redis-commandstats.js";

// As Redis 7.0 prints it.
const before = `# Commandstats\r
cmdstat_evalsha:calls=10,usec=500,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r
cmdstat_hset:calls=40,usec=80,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r
`;
const after = `# Commandstats\r
cmdstat_evalsha:calls=110,usec=6500,usec_per_call=59.09,rejected_calls=0,failed_calls=0\r
cmdstat_hset:calls=40,usec=80,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r
cmdstat_xadd:calls=200,usec=900,usec_per_call=4.50,rejected_calls=0,failed_calls=0\r
cmdstat_info:calls=1,usec=30,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r
`;

describe("commandStatsSince", () => {
  it("keeps the commands that ran between the readings, the costliest first, and at most `top`", () => {
    const spent = commandStatsSince(parseCommandStats(before), parseCommandStats(after), 2);
    expect(spent).toEqual({ evalsha: { calls: 100, usec: 6000 }, xadd: { calls: 200, usec: 900 } });
    expect(Object.keys(spent)).toEqual(["evalsha", "xadd"]);
  });
});
