// Moderation from the terminal client against a real `wrangler dev` (open mode, test secrets):
// a member's pipe under slow mode, and a moderator at a real terminal (tmux) deleting a guest's
// message and banning the guest, who then cannot come back.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MessagesPage } from "../../src/shared/api-shapes.ts";
import { CLI_ENTRY, runCli } from "../support/cli-process.ts";
import { PROJECT_ROOT, startDevServer, type DevServer } from "../support/dev-server.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { startTmux } from "../support/tmux.ts";
import { signToken, TEST_ADMIN_TOKEN } from "../support/tokens.ts";
import { openWs, wsUrl, type WsClient } from "../support/ws-client.ts";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server?.stop();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function guest(room: string, name: string): Promise<WsClient> {
  const client = await openWs(wsUrl(server.url, `/chat/${room}?name=${name}&history=0`), { json: true });
  cleanups.push(() => client.close());
  await client.waitFor((frames) => frames.length > 0, `${name}'s welcome`);
  return client;
}

describe("the terminal client and moderation", () => {
  it("a member's pipe under slow mode waits between lines, delivers every one and exits 0", async () => {
    const room = uniqueRoom("cli-slow");
    const slowMode = 2;
    const patched = await fetch(`${server.url}/api/rooms/${room}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ slowMode }),
    });
    expect(patched.status).toBe(200);
    const token = await signToken({ sub: "u-bea", name: "Bea" });
    const lines = ["one", "two", "three"];

    const result = await runCli(["--url", server.url, "--room", room, "--token", token], `${lines.join("\n")}\n`, {
      timeoutMs: 30_000,
    });

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("from "))).toEqual(
      lines.map((line) => `from Bea: ${line}`),
    );
    const page = (await (await fetch(`${server.url}/api/rooms/${room}/messages`)).json()) as MessagesPage;
    const stored = page.messages.filter((event) => event.type === "message");
    expect(stored.map((message) => message.text)).toEqual(lines);
    // Each line went once slow mode allowed it, not sooner (the room would have refused it).
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i]!.at - stored[i - 1]!.at).toBeGreaterThanOrEqual(slowMode * 1000);
    }
  });

  it("a moderator at the terminal sees a guest typing, deletes their message with /delete and bans them; they cannot return", async () => {
    const room = uniqueRoom("cli-ban");
    const carol = await guest(room, "carol");
    carol.socket.send(JSON.stringify({ type: "message", text: "spam spam spam" }));
    await carol.waitFor(() => carol.messages().some((m) => m.type === "message"), "carol's own message");
    const token = await signToken({ sub: "u-mod", name: "Mod", role: "moderator" });
    const terminal = await startTmux(
      [process.execPath, CLI_ENTRY, "--url", server.url, "--room", room, "--token", token],
      { cwd: PROJECT_ROOT, columns: 100, rows: 30, env: { TERM: "xterm-256color" } },
    );
    cleanups.push(() => terminal.kill());
    await terminal.waitForScreen("the joined note", (rows) => rows.some((row) => row.includes(`joined room ${room}`)));
    await terminal.waitForScreen("the moderator note", (rows) =>
      rows.some((row) => row.includes("you are a moderator")),
    );

    await terminal.type("/ids on");
    await terminal.press("Enter");
    await terminal.waitForScreen("the ids note", (rows) => rows.some((row) => row.includes("show their numbers")));
    await terminal.type("/delete 1");
    await terminal.press("Enter");
    await carol.waitFor(() => carol.messages().some((m) => m.type === "delete"), "the delete event");
    expect(carol.messages().find((m) => m.type === "delete")).toMatchObject({ target: 1, name: "Mod", user: "u-mod" });
    await terminal.waitForScreen("the deletion note", (rows) =>
      rows.some((row) => row.includes("a message from carol was deleted (#1) by Mod")),
    );

    // Others' typing shows in the prompt line.
    carol.socket.send(JSON.stringify({ type: "typing" }));
    await terminal.waitForScreen("carol typing in the prompt", (rows) =>
      (rows.at(-1) ?? "").includes(`[carol is typing…] ${room}>`),
    );

    await terminal.type("/ban carol 5 spamming");
    await terminal.press("Enter");
    expect(await carol.closed).toEqual({ code: 4403, reason: "banned: spamming" });
    await terminal.waitForScreen(
      "the ban and carol leaving",
      (rows) =>
        rows.some((row) => row.includes("asked to ban carol for 5 minutes")) &&
        rows.some((row) => row.includes("carol left the chat")),
    );

    // Back under the same name: refused at once.
    const again = await openWs(wsUrl(server.url, `/chat/${room}?name=carol`), { json: true });
    cleanups.push(() => again.close());
    expect(await again.closed).toEqual({ code: 4403, reason: "banned: spamming" });

    // A bad command is a sentence and nothing is sent.
    await terminal.type("/slow soon");
    await terminal.press("Enter");
    await terminal.waitForScreen("the usage sentence", (rows) =>
      rows.some((row) => row.includes("error: Use /slow SECONDS")),
    );
  });
});
