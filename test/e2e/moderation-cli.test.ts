// Moderation from the terminal client against a real `wrangler dev` (open mode, test secrets):
// a member's pipe and a member at a real terminal (tmux) under slow mode, and a moderator at a real terminal (tmux) deleting a guest's
// message and banning the guest, who then cannot come back.

import { describe, expect, it, onTestFinished } from "vitest";
import { CLI_ENTRY, runCli } from "../support/cli-process.ts";
import { PROJECT_ROOT } from "../support/dev-server.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";
import { startTmux } from "../support/tmux.ts";
import { signToken, TEST_ADMIN_TOKEN } from "../support/tokens.ts";

const server = useDevServer();

/** A guest on the JSON framing, once the room has welcomed them. */
async function guest(room: string, name: string): Promise<NodeTestSocket> {
  const client = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name, history: 0 }), { json: true }));
  await client.waitFor(`${name}'s welcome`, () => client.frames.length > 0);
  return client;
}

/** Slows `room` to one message per non-moderator every `seconds`, as the admin over the HTTP API. */
async function setSlowMode(room: string, seconds: number): Promise<void> {
  const patched = await fetch(`${server.url}/api/rooms/${room}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ slowMode: seconds }),
  });
  expect(patched.status).toBe(200);
}

describe("the terminal client and moderation", () => {
  it("a member's pipe under slow mode waits between lines, delivers every one and exits 0", async () => {
    const room = uniqueRoom("cli-slow");
    const slowMode = 2;
    await setSlowMode(room, slowMode);
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
    const page = await storedMessages(server, room);
    const stored = page.messages.filter((event) => event.type === "message");
    expect(stored.map((message) => message.text)).toEqual(lines);
    // Each line went once slow mode allowed it, not sooner (the room would have refused it).
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i]!.at - stored[i - 1]!.at).toBeGreaterThanOrEqual(slowMode * 1000);
    }
  });

  it("a member at the terminal under slow mode sees a line sent too soon wait its turn in the prompt, then go", async () => {
    const room = uniqueRoom("cli-slow-tty");
    const slowMode = 3;
    await setSlowMode(room, slowMode);
    const watcher = await guest(room, "watcher");
    const terminal = await startTmux(
      [process.execPath, CLI_ENTRY, "--url", server.url, "--room", room, "--name", "bea"],
      { cwd: PROJECT_ROOT, columns: 100, rows: 30, env: { TERM: "xterm-256color" } },
    );
    onTestFinished(() => terminal.kill());
    await terminal.waitForScreen("the joined note", (rows) => rows.some((row) => row.includes(`joined room ${room}`)));

    await terminal.typeLine("first");
    await terminal.waitForScreen("the first line back", (rows) => rows.some((row) => row.endsWith("bea: first")));
    await terminal.typeLine("second");
    await terminal.waitForScreen("the second line waiting", (rows) =>
      (rows.at(-1) ?? "").includes(`[1 waiting for slow mode] ${room}>`),
    );
    const isMessage = (m: { type: string }) => m.type === "message";
    await watcher.waitFor("the first line", () => watcher.messages().filter(isMessage).length >= 1);
    expect(watcher.messages().filter(isMessage)).toHaveLength(1);
    await terminal.waitForScreen(
      "the second line sent once slow mode allowed it",
      (rows) => rows.some((row) => row.endsWith("bea: second")) && rows.at(-1) === `${room}>`,
      slowMode * 1000 + 10_000,
    );
    await watcher.waitFor("both lines", () => watcher.messages().filter(isMessage).length === 2);
    const stored = (await storedMessages(server, room)).messages.filter((event) => event.type === "message");
    expect(stored.map((message) => message.text)).toEqual(["first", "second"]);
    expect(stored[1]!.at - stored[0]!.at).toBeGreaterThanOrEqual(slowMode * 1000);
    // Never refused: nothing to type again.
    expect((await terminal.screen()).some((row) => row.includes("error:"))).toBe(false);
  });

  it("a moderator at the terminal sees a guest typing, deletes their message with /delete and bans them; they cannot return", async () => {
    const room = uniqueRoom("cli-ban");
    const carol = await guest(room, "carol");
    carol.sendJson({ type: "message", text: "spam spam spam" });
    await carol.waitFor("carol's own message", () => carol.messages().some((m) => m.type === "message"));
    const token = await signToken({ sub: "u-mod", name: "Mod", role: "moderator" });
    const terminal = await startTmux(
      [process.execPath, CLI_ENTRY, "--url", server.url, "--room", room, "--token", token],
      { cwd: PROJECT_ROOT, columns: 100, rows: 30, env: { TERM: "xterm-256color" } },
    );
    onTestFinished(() => terminal.kill());
    await terminal.waitForScreen("the joined note", (rows) => rows.some((row) => row.includes(`joined room ${room}`)));
    await terminal.waitForScreen("the moderator note", (rows) =>
      rows.some((row) => row.includes("you are a moderator")),
    );

    await terminal.typeLine("/ids on");
    await terminal.waitForScreen("the ids note", (rows) => rows.some((row) => row.includes("show their numbers")));
    await terminal.typeLine("/delete 1");
    await carol.waitFor("the delete event", () => carol.messages().some((m) => m.type === "delete"));
    expect(carol.messages().find((m) => m.type === "delete")).toMatchObject({ target: 1, name: "Mod", user: "u-mod" });
    await terminal.waitForScreen("the deletion note", (rows) =>
      rows.some((row) => row.includes("a message from carol was deleted (#1) by Mod")),
    );

    // Others' typing shows in the prompt line.
    carol.sendJson({ type: "typing" });
    await terminal.waitForScreen("carol typing in the prompt", (rows) =>
      (rows.at(-1) ?? "").includes(`[carol is typing…] ${room}>`),
    );

    await terminal.typeLine("/ban carol 5 spamming");
    expect(await carol.closed()).toEqual({ code: 4403, reason: "banned: spamming" });
    await terminal.waitForScreen(
      "the ban and carol leaving",
      (rows) =>
        rows.some((row) => row.includes("asked to ban carol for 5 minutes")) &&
        rows.some((row) => row.includes("carol left the chat")),
    );

    // Back under the same name: refused at once.
    const again = closeAtEnd(await openNodeSocket(chatUrl(server, room, { name: "carol" }), { json: true }));
    expect(await again.closed()).toEqual({ code: 4403, reason: "banned: spamming" });

    // A bad command is a sentence and nothing is sent.
    await terminal.typeLine("/slow soon");
    await terminal.waitForScreen("the usage sentence", (rows) =>
      rows.some((row) => row.includes("error: Use /slow SECONDS")),
    );
  });
});
