// Signing in against a real `wrangler dev` in AUTH_MODE=required with the test secret: `ws`
// clients, the terminal client with --token, real Chromium opening a sign-in link, and the HTTP
// API. Every test has its own room; its sockets and pages close when it ends.

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { MessagesPage } from "../../src/shared/api-shapes.ts";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { say, screenshot, statusOf, waitConnected } from "../support/browser.ts";
import { runCli } from "../support/cli-process.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useChromium, useDevServer } from "../support/suite.ts";
import { signToken, TEST_ADMIN_TOKEN, type TestClaims } from "../support/tokens.ts";
import { sleep, waitUntil } from "../support/wait.ts";

const server = useDevServer({ vars: { AUTH_MODE: "required" } });
const chromium = useChromium();

/** A JSON socket to `room` with `params` (`token`, `name` …) and `headers`; it closes when the test ends. */
async function openRoom(
  room: string,
  params: Record<string, string> = {},
  headers?: Record<string, string>,
): Promise<NodeTestSocket> {
  return closeAtEnd(await openNodeSocket(chatUrl(server, room, params), { json: true, headers }));
}

/** Every chat message that has reached `socket`, in batches or singly. */
function chatMessages(socket: NodeTestSocket): ChatMessage[] {
  return socket.messages().filter((message): message is ChatMessage => message.type === "message");
}

/** A token for `name` (user `u-name`) admitting `rooms`. */
function tokenFor(name: string, claims: Partial<TestClaims> = {}): Promise<string> {
  return signToken({ sub: `u-${name}`, name, ...claims });
}

describe("a socket in required mode", () => {
  test("without a token is closed with 4401 token required", async () => {
    const socket = await openRoom(uniqueRoom("no-token"));
    expect(await socket.closed()).toEqual({ code: 4401, reason: "token required" });
  });

  test("with a token signed by another secret is closed with 4401 invalid token", async () => {
    const forged = await signToken({ sub: "u-mallory", name: "mallory" }, "some-other-secret-0123456789abcdef");
    const socket = await openRoom(uniqueRoom("bad-token"), { token: forged });
    expect(await socket.closed()).toEqual({ code: 4401, reason: "invalid token" });
  });

  test("with a token for other rooms is closed with 4403", async () => {
    const token = await tokenFor("carol", { rooms: ["team-*"] });
    const socket = await openRoom(uniqueRoom("other-room"), { token });
    expect(await socket.closed()).toEqual({ code: 4403, reason: "not allowed in this room" });
  });

  test("with a valid token in the token parameter is welcomed under the token's name and user", async () => {
    const room = uniqueRoom("query-token");
    const token = await tokenFor("alice", { rooms: [room] });
    const socket = await openRoom(room, { token, name: "someone-else" });
    expect(await socket.nextOf("welcome")).toMatchObject({ you: "alice", user: "u-alice", role: "member" });
  });

  test("with a valid token in the Authorization header is welcomed, the header winning over the parameter", async () => {
    const room = uniqueRoom("header-token");
    const token = await tokenFor("mod", { role: "moderator" });
    const other = await tokenFor("alice");
    const socket = await openRoom(room, { token: other }, { authorization: `Bearer ${token}` });
    expect(await socket.nextOf("welcome")).toMatchObject({ you: "mod", user: "u-mod", role: "moderator" });
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
    const observer = await openRoom(room, {}, { authorization: `Bearer ${token}` });
    await observer.nextOf("welcome");
    const result = await runCli(["--url", server.url, "--room", room, "--token", token], "first\nsecond\n");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("from tess: first\nfrom tess: second\n");
    expect(result.stdout).not.toContain(token);
    await observer.waitFor("both lines", () => chatMessages(observer).length === 2);
    expect(chatMessages(observer).map(({ name, user, text }) => ({ name, user, text }))).toEqual([
      { name: "tess", user: "u-tess", text: "first" },
      { name: "tess", user: "u-tess", text: "second" },
    ]);
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
  const nameField = (page: Page) => page.getByRole("textbox", { name: "Name", exact: true });

  test("joins as the token's user, takes the token out of the address bar, and keeps it for the tab", async () => {
    const room = uniqueRoom("page-token");
    const token = await tokenFor("Alice", { rooms: [room] });
    const watcher = await openRoom(room, { token: await tokenFor("watcher", { rooms: [room] }) });
    await watcher.nextOf("welcome");
    const tab = await chromium.openPage(`${server.url}/?room=${room}#token=${token}`);
    await waitConnected(tab.page, "Alice", "Alice");
    expect(tab.page.url()).toBe(`${server.url}/?room=${room}`);
    expect(await nameField(tab.page).inputValue()).toBe("Alice");
    expect(await nameField(tab.page).isEditable()).toBe(false);
    await tab.page.getByText("Signed in as Alice", { exact: true }).waitFor();

    await say(tab.page, "hello from the page");
    await watcher.waitFor("the page's message", () => chatMessages(watcher).length === 1);
    expect(chatMessages(watcher)[0]).toMatchObject({ name: "Alice", user: "u-Alice", text: "hello from the page" });
    await screenshot(tab.page, "sign-in-desktop.png");

    // A reload in the same tab is still signed in, with nothing in the address.
    await tab.page.reload({ waitUntil: "load" });
    await waitConnected(tab.page, "Alice after a reload", "Alice");
    expect(tab.page.url()).toBe(`${server.url}/?room=${room}`);
    expect(await nameField(tab.page).isEditable()).toBe(false);

    await tab.page.setViewportSize({ width: 375, height: 720 });
    await screenshot(tab.page, "sign-in-375px.png");
    expect(tab.problems).toEqual([]);
  });

  test("with an expired token says the sign-in has expired and does not try again", async () => {
    const room = uniqueRoom("page-expired");
    const token = await tokenFor("Olga", { exp: Math.floor(Date.now() / 1000) - 120 });
    // Counting from before the page loads: its one socket is the only one it may open.
    const sockets: string[] = [];
    const { page } = await chromium.openPage(`${server.url}/?room=${room}#token=${token}`, 375, (opened) =>
      opened.on("websocket", (socket) => sockets.push(socket.url())),
    );
    const log = page.getByRole("log");
    await waitUntil("the expiry sentence", async () => {
      const text = (await log.textContent()) ?? "";
      return text.includes("Your sign-in has expired") || `log "${text}"`;
    });
    expect(page.url()).not.toContain(token);
    // A retry would come within a backoff's first delay (well under 3 s).
    await sleep(3_000);
    expect(sockets).toHaveLength(1);
    expect(await statusOf(page)).not.toContain("connected");
    await screenshot(page, "sign-in-expired-375px.png");
  });

  test("without a token explains that this chat needs a sign-in link", async () => {
    const { page } = await chromium.openPage(`${server.url}/?room=${uniqueRoom("page-none")}`);
    // The page joins once the person has chosen; a guest is refused with 4401 token required.
    await page.getByRole("button", { name: "Join as guest", exact: true }).click();
    await waitUntil("the sign-in explanation", async () => {
      const text = (await page.getByRole("log").textContent()) ?? "";
      return text.includes("This chat needs a sign-in link") || `log "${text}"`;
    });
    expect(await nameField(page).isEditable()).toBe(true);
    await screenshot(page, "sign-in-required-desktop.png");
    await page.setViewportSize({ width: 375, height: 720 });
    await screenshot(page, "sign-in-required-375px.png");
  });
});
