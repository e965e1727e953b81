import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useRedis } from "@oceanpos/testing";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { startNotifier, submittingPayment } from "./helpers.js";

/**
 * A real browser against a real notifier: a page served from another loopback origin (listed in
 * CORS_ORIGINS) gets a stream token with fetch (a CORS preflight: it sends Authorization), then
 * follows a payment's events with a native EventSource, which can send no header at all.
 * Debian's chromium (`apt-get install -y chromium`; CI installs it); without it the suite says so
 * and skips.
 */
const executablePath = "/usr/bin/chromium";
const haveBrowser = existsSync(executablePath);
if (!haveBrowser) console.warn(`browser test skipped: no Chromium at ${executablePath} (apt-get install -y chromium)`);

/** What the page's script leaves on its window. */
interface PageState {
  opened?: boolean;
  failures?: string[];
  tokenStatus?: number;
  tokenRequestId?: string;
  seen?: Array<{ id: string; type: string; orderNumber: string }>;
}

const page = (notifier: string) => `<!doctype html>
<meta charset="utf-8">
<title>live payments</title>
<script>
  window.seen = [];
  window.failures = [];
  (async () => {
    try {
      const res = await fetch(${JSON.stringify(notifier)} + "/v1/events/stream-tokens", { method: "POST", headers: { Authorization: "Bearer key-a" } });
      window.tokenStatus = res.status;
      window.tokenRequestId = res.headers.get("Request-Id");
      const { token } = await res.json();
      const source = new EventSource(${JSON.stringify(notifier)} + "/v1/events/stream?token=" + encodeURIComponent(token));
      source.onopen = () => { window.opened = true; };
      source.onerror = () => window.failures.push("EventSource error, readyState " + source.readyState);
      for (const type of ["payment.accepted", "payment.submitting"]) {
        source.addEventListener(type, (e) => window.seen.push({ id: e.lastEventId, type: e.type, orderNumber: JSON.parse(e.data).data.orderNumber }));
      }
    } catch (err) {
      window.failures.push(String(err));
    }
  })();
</script>`;

describe.skipIf(!haveBrowser)("a browser's EventSource on the live stream", () => {
  const redis = useRedis();
  let pageServer: Server;
  let notifier: Notifier;
  let context: BrowserContext;
  let profile: string;
  let notifierUrl = "";

  beforeAll(async () => {
    pageServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(notifierUrl)));
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    profile = mkdtempSync(join(tmpdir(), "oceanpos-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await notifier?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("gets a stream token across origins and sees a payment's events arrive", async () => {
    const pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    notifier = await startNotifier(redis, { CORS_ORIGINS: pageOrigin });
    await notifier.app.listen({ port: 0, host: "127.0.0.1" });
    notifierUrl = `http://127.0.0.1:${(notifier.app.server.address() as AddressInfo).port}`;

    const tab = await context.newPage();
    await tab.goto(`${pageOrigin}/`);
    await tab.waitForFunction(() => (globalThis as unknown as PageState).opened === true || (globalThis as unknown as PageState).failures?.length, undefined, { timeout: 20_000 });
    expect(await tab.evaluate(() => (globalThis as unknown as PageState).failures)).toEqual([]);
    expect(await tab.evaluate(() => (globalThis as unknown as PageState).tokenStatus)).toBe(201);
    // Readable by the page: CORS exposes it.
    expect(await tab.evaluate(() => (globalThis as unknown as PageState).tokenRequestId)).toMatch(/^[0-9a-f-]{36}$/);

    await submittingPayment(notifier.payments, "WEB-B", { storeId: "store-b" });
    await submittingPayment(notifier.payments, "WEB-A", { storeId: "store-a" });
    await tab.waitForFunction(() => ((globalThis as unknown as PageState).seen?.length ?? 0) >= 2, undefined, { timeout: 20_000 });
    const seen = await tab.evaluate(() => (globalThis as unknown as PageState).seen);
    // Store A's key: store A's events only, in order, with their ids for Last-Event-ID.
    expect(seen?.map((e) => `${e.orderNumber}:${e.type}`)).toEqual(["WEB-A:payment.accepted", "WEB-A:payment.submitting"]);
    for (const e of seen ?? []) expect(e.id).toMatch(/^evt_\d+-\d+$/);
  }, 90_000);
});
