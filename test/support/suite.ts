// Vitest fixtures for the end-to-end files: one `wrangler dev` and one Chromium per file, started
// before its tests and stopped after them, the server's output checked for uncaught errors after
// every test; and sockets and pages closed when the test that opened them ends, passed or failed
// (the `finally` of every test).

import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, onTestFinished } from "vitest";
import { launchChromium, openPage, type TestPage } from "./browser.ts";
import { assertNoUncaught, startDevServer, type DevServer, type DevServerOptions } from "./dev-server.ts";

/** The file's dev server; it stands for whichever one runs now. */
export interface SuiteServer extends DevServer {
  /** After `stop()`: starts a new one on the same port and state folder, as a restarted service. */
  startAgain(): Promise<void>;
}

/** Starts a dev server with `options` for the calling file's tests. */
export function useDevServer(options: DevServerOptions = {}): SuiteServer {
  let current: DevServer | undefined;
  const running = (): DevServer => {
    if (current === undefined) throw new Error("the dev server is only there inside a test");
    return current;
  };
  beforeAll(async () => {
    current = await startDevServer(options);
  });
  afterEach(() => assertNoUncaught(running()));
  afterAll(async () => {
    await current?.stop();
  });
  return {
    get url() {
      return running().url;
    },
    get port() {
      return running().port;
    },
    get persistTo() {
      return running().persistTo;
    },
    get process() {
      return running().process;
    },
    output: () => running().output(),
    stop: () => running().stop(),
    async startAgain() {
      const { port, persistTo } = running();
      current = await startDevServer({ ...options, port, persistTo });
    },
  };
}

/** Closes `socket` once the running test has ended; returns it. */
export function closeAtEnd<T extends { close(): unknown }>(socket: T): T {
  onTestFinished(() => {
    socket.close();
  });
  return socket;
}

/** The file's Chromium. */
export interface SuiteBrowser {
  /** Opens `url` in a context of its own, `width` pixels wide; it closes when the test ends. See {@link openPage}. */
  openPage(url: string, width?: number, beforeLoad?: (page: Page) => void): Promise<TestPage>;
}

/** Launches Chromium for the calling file's tests. */
export function useChromium(): SuiteBrowser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async openPage(url, width, beforeLoad) {
      if (browser === undefined) throw new Error("Chromium is only there inside a test");
      const page = await openPage(browser, url, width, beforeLoad);
      onTestFinished(() => page.context.close());
      return page;
    },
  };
}
