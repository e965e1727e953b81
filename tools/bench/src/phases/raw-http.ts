import { spawn } from "node:child_process";
import { once } from "node:events";
import { freePort } from "@oceanpos/harness";
import { pool } from "../http-client.js";
import { runClosedLoop, runOpenLoop } from "../open-loop.js";
import { merchantScan } from "../payments.js";
import { type LatencySummary, ratePerSec, summarize } from "../stats.js";
import type { CountedPhase } from "./context.js";

export interface RawHttpResult extends CountedPhase {
  reqPerSec: number;
  openLoop: LatencySummary & { ratePerSec: number };
}

/**
 * The floor under the intake's figures: a bare `node:http` server in its own process that reads
 * the same POST body and answers 202 with a small JSON, driven by the same client, connections
 * and schedules as the intake phase. What it cannot do on this machine, the intake cannot either.
 */
const server = `
const http = require("node:http");
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(202, { "content-type": "application/json" });
    res.end(JSON.stringify({ orderNumber: body.orderNumber, status: "accepted" }));
  });
});
s.keepAliveTimeout = 30000;
s.listen(Number(process.argv[1]), "127.0.0.1", () => process.stdout.write("ready\\n"));
`;

export async function rawHttp(o: { concurrency: number; durationMs: number; openRate: number; openDurationMs: number }): Promise<RawHttpResult> {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", server, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  const client = pool(`http://127.0.0.1:${port}`, o.concurrency);
  try {
    await once(child.stdout, "data");
    const body = JSON.stringify(merchantScan("RAW-HTTP-0", 0));
    const fire = async () => {
      const res = await client.request({ method: "POST", path: "/v1/payments", headers: { "content-type": "application/json" }, body });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`HTTP ${res.statusCode}`);
    };
    const warm = await runClosedLoop({ total: 2_000, concurrency: 16 }, fire);
    const start = performance.now();
    const closed = await runClosedLoop({ total: Number.MAX_SAFE_INTEGER, concurrency: o.concurrency, durationMs: o.durationMs }, fire);
    const reqPerSec = ratePerSec(closed.sent - closed.errors, performance.now() - start);
    const open = await runOpenLoop({ ratePerSec: o.openRate, durationMs: o.openDurationMs, fire });
    return { operations: warm.sent + closed.sent + open.sent, reqPerSec, openLoop: { ...summarize(open.latenciesMs), ratePerSec: o.openRate } };
  } finally {
    await client.close();
    // Reaped within the phase, so that its CPU (counted with the bench's children) lands here.
    const exited = child.exitCode === null && child.signalCode === null ? once(child, "exit") : undefined;
    child.kill();
    await exited;
  }
}
