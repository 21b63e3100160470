// Launches the Chromium the end-to-end tests drive: Debian's /usr/bin/chromium, or the one named by
// CHROMIUM_PATH, through playwright-core (which ships no browser of its own), and reads and drives
// the chat page in it.

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PROJECT_ROOT } from "./dev-server.ts";
import { waitUntil } from "./wait.ts";

/** Where Chromium is looked for when CHROMIUM_PATH is not set. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags every test browser starts with: headless, quiet, and no network of its own. */
export const CHROMIUM_FLAGS = [
  "--headless",
  // Containers and CI runners rarely allow the user namespaces Chromium's sandbox needs.
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium executable to use, or null when there is none. */
export function findChromium(): string | null {
  const path = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  return existsSync(path) ? path : null;
}

/**
 * Starts Chromium. Playwright gives every launch a fresh temporary user-data-dir and removes it on
 * close, so no test sees another's storage; each `newContext` is a separate browser profile too.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === null) {
    throw new Error(
      `no Chromium at ${process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH}: run "node test/e2e/ensure-test-tools.ts" ` +
        "or set CHROMIUM_PATH to a Chromium or Chrome executable",
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

/** A page in its own browser context (its own localStorage), with browser errors collected. */
export interface TestPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, page errors and Content-Security-Policy reports seen so far. */
  readonly problems: string[];
}

/**
 * Opens `url` in a new context of `browser`, `width` pixels wide, and waits for it to load;
 * `beforeLoad` gets the page before it starts loading, to listen from its first request.
 */
export async function openPage(
  browser: Browser,
  url: string,
  width = 1024,
  beforeLoad?: (page: Page) => void,
): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width, height: 720 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  beforeLoad?.(page);
  await page.goto(url, { waitUntil: "load" });
  return { context, page, problems };
}

/** Saves what `page` shows as test-results/<file>, for a person to look at after the run. */
export async function screenshot(page: Page, file: string): Promise<void> {
  mkdirSync(join(PROJECT_ROOT, "test-results"), { recursive: true });
  await page.screenshot({ path: join(PROJECT_ROOT, "test-results", file) });
}

/** The text of the page's role=status element. */
export async function statusOf(page: Page): Promise<string> {
  return (await page.getByRole("status").textContent({ timeout: 2_000 })) ?? "";
}

/** Waits until the page's status says it is connected (as `name`, when given). */
export async function waitConnected(page: Page, who: string, name?: string, timeoutMs = 15_000): Promise<void> {
  const expected = name === undefined ? "connected" : `connected as ${name}`;
  await waitUntil(
    `${who}'s status to say "${expected}"`,
    async () => {
      const status = await statusOf(page);
      return status.includes(expected) || `status "${status}"`;
    },
    timeoutMs,
  );
}

/** Types `name` in the page's Name field and presses Enter, then waits to be connected under it. */
export async function joinAs(page: Page, name: string): Promise<void> {
  const field = page.getByRole("textbox", { name: "Name", exact: true });
  await field.fill(name);
  await field.press("Enter");
  await waitConnected(page, name, name);
}

/** Types `text` in the Message field and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const field = page.getByRole("textbox", { name: "Message", exact: true });
  await field.fill(text);
  await field.press("Enter");
}

/** How many entries of the page's message log hold `text`, as text. */
export async function countInLog(page: Page, text: string): Promise<number> {
  return page.getByRole("log").getByRole("article").filter({ hasText: text }).count();
}

/** Waits until the page's message log holds exactly `count` entries with `text`. */
export async function waitInLog(page: Page, who: string, text: string, count = 1, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `${who}'s log to show ${JSON.stringify(text)} ${count === 1 ? "once" : `${count} times`}`,
    async () => {
      const seen = await countInLog(page, text);
      return seen === count || `${seen} times`;
    },
    timeoutMs,
  );
}
