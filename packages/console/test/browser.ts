import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { waitFor } from "@oceanpos/testing";
import { type Browser, type Locator, type Page, chromium } from "playwright-core";
import { build } from "vite";

/** What the browser suites share: Chromium, the console built now, screenshots, and waits on what a page shows. */

/** Debian's Chromium (`apt-get install -y chromium`), or the one CHROMIUM_PATH names. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveBrowser = existsSync(chromiumPath);
if (!haveBrowser) console.log(`console browser suite skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const packageDir = fileURLToPath(new URL("..", import.meta.url));
/** `CONSOLE_SCREENSHOTS=1` (npm run screenshots): each screen into docs/console/ for docs/console.md. */
const screenshotDir = process.env.CONSOLE_SCREENSHOTS === "1" ? fileURLToPath(new URL("../../../docs/console/", import.meta.url)) : undefined;

export async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshotDir) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

/** What the ledger serves: this checkout's console, built now. */
export async function buildConsole(): Promise<void> {
  await build({ root: packageDir, configFile: `${packageDir}vite.config.ts`, logLevel: "warn" });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // launch() gives every run a fresh, temporary profile (its own --user-data-dir).
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Until `locator`'s text has `text` (playwright-core has no expect of its own). */
export async function seeText(locator: Locator, text: string | RegExp, timeoutMs = 10_000): Promise<void> {
  let last: string | null = null;
  await waitFor(
    async () => {
      last = await locator.first().textContent({ timeout: 500 }).catch(() => null);
      return last !== null && (typeof text === "string" ? last.includes(text) : text.test(last));
    },
    { timeoutMs, intervalMs: 100, message: `${String(locator)} to show ${String(text)}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; it showed: ${last}`);
  });
}

export const visible = (locator: Locator, timeout = 10_000) => locator.first().waitFor({ state: "visible", timeout });

export const orderNumber = (prefix: string) => `${prefix}-${Date.now().toString(36).toUpperCase()}`;

/** Signs in at the console's address with a token, as a person would, until the first screen shows. */
export async function signIn(page: Page, ledgerUrl: string, token: string): Promise<void> {
  await page.goto(`${ledgerUrl}/console/`);
  await page.getByLabel("Operator token or store API key").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await visible(page.getByRole("heading", { level: 1, name: "Payments" }));
}

/** Whether the page, at a tablet in portrait (768 px), fits its width: wide tables scroll in their own region, the page never sideways. */
export async function fitsTabletPortrait(page: Page): Promise<boolean> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 768, height: 1024 });
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  if (before) await page.setViewportSize(before);
  return fits;
}
