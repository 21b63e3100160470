// Signing in against a real `wrangler dev` in AUTH_MODE=required with the test secret: `ws`
// clients, the terminal client with --token, real Chromium opening a sign-in link, and the HTTP
// API. Every test has its own room and closes what it opened.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { MessagesPage } from "../../src/shared/api-shapes.ts";
import type { ChatMessage, WelcomeMessage } from "../../src/shared/protocol.ts";
import {
  launchChromium,
  openPage,
  say,
  statusOf,
  waitConnected,
  waitUntil,
  type TestPage,
} from "../support/browser.ts";
import { runCli } from "../support/cli-process.ts";
import { PROJECT_ROOT, startDevServer, type DevServer } from "../support/dev-server.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { signToken, TEST_ADMIN_TOKEN, type TestClaims } from "../support/tokens.ts";
import { openWs, wsUrl, type WsClient } from "../support/ws-client.ts";

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer({ vars: { AUTH_MODE: "required" } }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The socket address of `room` with `query` (a leading `?…`, or empty). */
function roomUrl(room: string, query = ""): string {
  return wsUrl(server.url, `/chat/${room}${query}`);
}

/** Opens a JSON socket and waits for its welcome, or fails saying how it closed. */
async function welcomed(client: WsClient): Promise<WelcomeMessage> {
  const closedEarly = client.closed.then(({ code, reason }) => {
    throw new Error(`closed with ${code} ${reason} before a welcome`);
  });
  await Promise.race([client.waitFor((frames) => frames.length > 0, "the welcome"), closedEarly]);
  const first = client.messages()[0];
  if (first?.type !== "welcome") throw new Error(`expected a welcome first, got ${JSON.stringify(first)}`);
  return first;
}

/** How a socket to `url` was closed by the server, failing if it stays open. */
async function refusal(url: string, headers?: Record<string, string>): Promise<{ code: number; reason: string }> {
  const client = await openWs(url, { json: true, headers });
  try {
    return await Promise.race([
      client.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${url} was not closed in 10 s`)), 10_000)),
    ]);
  } finally {
    client.close();
  }
}

/** Every chat message that reaches `client`, in batches or singly. */
function chatMessages(client: WsClient): ChatMessage[] {
  return client.frames
    .filter((frame): frame is string => typeof frame === "string")
    .flatMap((frame) => {
      const parsed = JSON.parse(frame) as unknown;
      return (Array.isArray(parsed) ? parsed : [parsed]) as { type: string }[];
    })
    .filter((event): event is ChatMessage => event.type === "message");
}

/** A token for `name` (user `u-name`) admitting `rooms`. */
function tokenFor(name: string, claims: Partial<TestClaims> = {}): Promise<string> {
  return signToken({ sub: `u-${name}`, name, ...claims });
}

describe("a socket in required mode", () => {
  test("without a token is closed with 4401 token required", async () => {
    expect(await refusal(roomUrl(uniqueRoom("no-token")))).toEqual({ code: 4401, reason: "token required" });
  });

  test("with a token signed by another secret is closed with 4401 invalid token", async () => {
    const forged = await signToken({ sub: "u-mallory", name: "mallory" }, "some-other-secret-0123456789abcdef");
    const url = roomUrl(uniqueRoom("bad-token"), `?token=${forged}`);
    expect(await refusal(url)).toEqual({ code: 4401, reason: "invalid token" });
  });

  test("with a token for other rooms is closed with 4403", async () => {
    const token = await tokenFor("carol", { rooms: ["team-*"] });
    const url = roomUrl(uniqueRoom("other-room"), `?token=${token}`);
    expect(await refusal(url)).toEqual({ code: 4403, reason: "not allowed in this room" });
  });

  test("with a valid token in the token parameter is welcomed under the token's name and user", async () => {
    const room = uniqueRoom("query-token");
    const token = await tokenFor("alice", { rooms: [room] });
    const client = await openWs(roomUrl(room, `?token=${token}&name=someone-else`), { json: true });
    try {
      const welcome = await welcomed(client);
      expect(welcome).toMatchObject({ you: "alice", user: "u-alice", role: "member" });
    } finally {
      client.close();
    }
  });

  test("with a valid token in the Authorization header is welcomed, the header winning over the parameter", async () => {
    const room = uniqueRoom("header-token");
    const token = await tokenFor("mod", { role: "moderator" });
    const other = await tokenFor("alice");
    const client = await openWs(roomUrl(room, `?token=${other}`), {
      json: true,
      headers: { authorization: `Bearer ${token}` },
    });
    try {
      expect(await welcomed(client)).toMatchObject({ you: "mod", user: "u-mod", role: "moderator" });
    } finally {
      client.close();
    }
  });
});

describe("the HTTP API in required mode", () => {
  test("reads a room's messages only with a token admitting the room", async () => {
    const room = uniqueRoom("api");
    const messages = `${server.url}/api/rooms/${room}/messages`;
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

    const anonymous = await fetch(messages);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "token required" });

    const admitted = await fetch(messages, bearer(await tokenFor("alice", { rooms: [room] })));
    expect(admitted.status).toBe(200);
    expect(((await admitted.json()) as MessagesPage).messages).toEqual([]);

    expect((await fetch(messages, bearer(TEST_ADMIN_TOKEN))).status).toBe(200);

    const elsewhere = await fetch(messages, bearer(await tokenFor("bob", { rooms: ["elsewhere"] })));
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toEqual({ error: "not allowed in this room" });
  });
});

describe("the terminal client with --token", () => {
  test("in pipe mode sends its lines as the token's user and exits 0", async () => {
    const room = uniqueRoom("cli-token");
    const token = await tokenFor("tess", { rooms: [room] });
    const observer = await openWs(roomUrl(room), { json: true, headers: { authorization: `Bearer ${token}` } });
    try {
      await welcomed(observer);
      const result = await runCli(["--url", server.url, "--room", room, "--token", token], "first\nsecond\n");
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("from tess: first\nfrom tess: second\n");
      expect(result.stdout).not.toContain(token);
      await observer.waitFor(() => chatMessages(observer).length === 2, "both lines");
      expect(chatMessages(observer).map(({ name, user, text }) => ({ name, user, text }))).toEqual([
        { name: "tess", user: "u-tess", text: "first" },
        { name: "tess", user: "u-tess", text: "second" },
      ]);
    } finally {
      observer.close();
    }
  });

  test("takes $CHAT_TOKEN when there is no --token", async () => {
    const room = uniqueRoom("cli-env");
    const token = await tokenFor("envy");
    const result = await runCli(["--url", server.url, "--room", room], "hello\n", { env: { CHAT_TOKEN: token } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("from envy: hello\n");
  });

  test("with a bad token prints the server's reason on standard error and exits 2, never showing the token", async () => {
    const forged = await signToken({ sub: "u-mallory", name: "mallory" }, "some-other-secret-0123456789abcdef");
    const room = uniqueRoom("cli-bad");
    const result = await runCli(["--url", server.url, "--room", room, "--token", forged], "never sent\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("edge-chat: invalid token\n");
    expect(result.stdout + result.stderr).not.toContain(forged);
  });

  test("without a token is told one is required and exits 2", async () => {
    const result = await runCli(["--url", server.url, "--room", uniqueRoom("cli-none")], "hi\n", {
      env: { CHAT_TOKEN: "" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("edge-chat: token required\n");
  });
});

describe("the page with a sign-in link", () => {
  /** The Name field. */
  const nameField = (tab: TestPage) => tab.page.getByRole("textbox", { name: "Name", exact: true });

  async function shoot(page: Page, file: string): Promise<void> {
    mkdirSync(join(PROJECT_ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, "test-results", file) });
  }

  test("joins as the token's user, takes the token out of the address bar, and keeps it for the tab", async () => {
    const room = uniqueRoom("page-token");
    const token = await tokenFor("Alice", { rooms: [room] });
    const watcher = await openWs(roomUrl(room, `?token=${await tokenFor("watcher", { rooms: [room] })}`), {
      json: true,
    });
    let tab: TestPage | undefined;
    try {
      await welcomed(watcher);
      tab = await openPage(browser, `${server.url}/?room=${room}#token=${token}`);
      await waitConnected(tab.page, "Alice", "Alice");
      expect(tab.page.url()).toBe(`${server.url}/?room=${room}`);
      expect(await nameField(tab).inputValue()).toBe("Alice");
      expect(await nameField(tab).isEditable()).toBe(false);
      await tab.page.getByText("Signed in as Alice", { exact: true }).waitFor();

      await say(tab.page, "hello from the page");
      await watcher.waitFor(() => chatMessages(watcher).length === 1, "the page's message");
      expect(chatMessages(watcher)[0]).toMatchObject({ name: "Alice", user: "u-Alice", text: "hello from the page" });
      await shoot(tab.page, "sign-in-desktop.png");

      // A reload in the same tab is still signed in, with nothing in the address.
      await tab.page.reload({ waitUntil: "load" });
      await waitConnected(tab.page, "Alice after a reload", "Alice");
      expect(tab.page.url()).toBe(`${server.url}/?room=${room}`);
      expect(await nameField(tab).isEditable()).toBe(false);

      await tab.page.setViewportSize({ width: 375, height: 720 });
      await shoot(tab.page, "sign-in-375px.png");
      expect(tab.problems).toEqual([]);
    } finally {
      watcher.close();
      await tab?.context.close();
    }
  });

  test("with an expired token says the sign-in has expired and does not try again", async () => {
    const room = uniqueRoom("page-expired");
    const token = await tokenFor("Olga", { exp: Math.floor(Date.now() / 1000) - 120 });
    // Counting from before the page loads: its one socket is the only one it may open.
    const context = await browser.newContext({ viewport: { width: 375, height: 720 } });
    try {
      const page = await context.newPage();
      const sockets: string[] = [];
      page.on("websocket", (socket) => sockets.push(socket.url()));
      await page.goto(`${server.url}/?room=${room}#token=${token}`, { waitUntil: "load" });
      const log = page.getByRole("log");
      await waitUntil("the expiry sentence", async () => {
        const text = (await log.textContent()) ?? "";
        return text.includes("Your sign-in has expired") || `log "${text}"`;
      });
      expect(page.url()).not.toContain(token);
      // A retry would come within a backoff's first delay (well under 3 s).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(sockets).toHaveLength(1);
      expect(await statusOf(page)).not.toContain("connected");
      await shoot(page, "sign-in-expired-375px.png");
    } finally {
      await context.close();
    }
  });

  test("without a token explains that this chat needs a sign-in link", async () => {
    const tab = await openPage(browser, `${server.url}/?room=${uniqueRoom("page-none")}`);
    try {
      // The page joins once the person has chosen; a guest is refused with 4401 token required.
      await tab.page.getByRole("button", { name: "Join as guest", exact: true }).click();
      await waitUntil("the sign-in explanation", async () => {
        const text = (await tab.page.getByRole("log").textContent()) ?? "";
        return text.includes("This chat needs a sign-in link") || `log "${text}"`;
      });
      expect(await nameField(tab).isEditable()).toBe(true);
      await shoot(tab.page, "sign-in-required-desktop.png");
      await tab.page.setViewportSize({ width: 375, height: 720 });
      await shoot(tab.page, "sign-in-required-375px.png");
    } finally {
      await tab.context.close();
    }
  });
});
