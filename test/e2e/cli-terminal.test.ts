// The terminal client used by a person: standard input is a real pseudo-terminal (tmux), the
// client runs as a real process against a real `wrangler dev`, and a `ws` socket plays the
// other people in the room.

import { describe, expect, it, onTestFinished } from "vitest";
import type { ChatMessage, ServerMessage } from "../../src/shared/protocol.ts";
import { CLI_ENTRY } from "../support/cli-process.ts";
import { PROJECT_ROOT } from "../support/dev-server.ts";
import { chatUrl, openNodeSocket, type NodeTestSocket } from "../support/node-socket.ts";
import { storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd, useDevServer } from "../support/suite.ts";
import { startTmux, type TmuxSession } from "../support/tmux.ts";

const server = useDevServer();

/** The client in a 100×30 terminal, joined to `room` as `name`. */
async function startClient(room: string, name: string, extra: string[] = []): Promise<TmuxSession> {
  const terminal = await startTmux(
    [process.execPath, CLI_ENTRY, "--url", server.url, "--room", room, "--name", name, ...extra],
    { cwd: PROJECT_ROOT, columns: 100, rows: 30, env: { TERM: "xterm-256color" } },
  );
  onTestFinished(() => terminal.kill());
  await terminal.waitForScreen("the joined note", (rows) => rows.some((row) => row.includes(`joined room ${room}`)));
  return terminal;
}

/** Another person in the room, on the JSON framing. */
async function joinAs(room: string, name: string): Promise<NodeTestSocket> {
  return closeAtEnd(await openNodeSocket(chatUrl(server, room, { name, history: 0 }), { json: true }));
}

const isMessage = (m: ServerMessage): m is ChatMessage => m.type === "message";

function say(client: NodeTestSocket, text: string): void {
  client.sendJson({ type: "message", text });
}

describe("the terminal client in a terminal", () => {
  it("sends a typed line when Enter is pressed and shows it once, as the room relayed it", async () => {
    const room = uniqueRoom("cli-type");
    const terminal = await startClient(room, "alice");
    const bob = await joinAs(room, "bob");

    await terminal.typeLine("hello from the terminal");

    await bob.waitFor("alice's message", () => bob.messages().some(isMessage));
    expect(
      bob
        .messages()
        .filter(isMessage)
        .map((m) => [m.name, m.text]),
    ).toEqual([["alice", "hello from the terminal"]]);
    // The prompt is drawn again after the line, in a write of its own: waited for as well.
    const rows = await terminal.waitForScreen(
      "alice's message, and the prompt below it",
      (rows) =>
        rows.some((row) => /^\d\d:\d\d alice: hello from the terminal$/.test(row)) &&
        rows.at(-1) === `${room}> `.trimEnd(),
    );
    // The line as typed at the prompt is replaced by the room's copy, not shown twice.
    expect(rows.filter((row) => row.includes("hello from the terminal"))).toHaveLength(1);
    expect(rows.at(-1)).toBe(`${room}> `.trimEnd());
  });

  it("shows the history, then live messages, join and leave notices, each name in its own colour", async () => {
    const room = uniqueRoom("cli-live");
    const carol = await joinAs(room, "carol");
    say(carol, "said before alice came");
    await carol.waitFor("carol's first message", () => carol.messages().some(isMessage));

    const terminal = await startClient(room, "alice");
    let rows = await terminal.screen();
    const history = rows.findIndex((row) => row.endsWith("carol: said before alice came"));
    const joined = rows.findIndex((row) => row.includes(`joined room ${room} as alice`));
    expect(history, rows.join("\n")).toBeGreaterThanOrEqual(0);
    expect(history).toBeLessThan(joined);

    const dave = await joinAs(room, "dave");
    say(carol, "live one");
    say(dave, "live two");
    rows = await terminal.waitForScreen("both live messages", (rows) =>
      rows.some((row) => row.endsWith("dave: live two")),
    );
    expect(rows.some((row) => row === "-- dave joined the chat (3 online)")).toBe(true);
    dave.close();
    await terminal.waitForScreen("dave's leave notice", (rows) => rows.includes("-- dave left the chat (2 online)"));

    // The same name carries the same colour on every line; different names differ.
    const coloured = await terminal.screen(true);
    const colourOf = (name: string) => [
      ...new Set(
        coloured.flatMap((row) =>
          [...row.matchAll(new RegExp(`\\x1b\\[([0-9;]+)m${name}\\x1b\\[`, "g"))].map((m) => m[1]),
        ),
      ),
    ];
    expect(colourOf("carol")).toHaveLength(1);
    expect(colourOf("dave")).toHaveLength(1);
    expect(colourOf("carol")).not.toEqual(colourOf("dave"));
  });

  it("/who lists everyone in the room, each name once", async () => {
    const room = uniqueRoom("cli-who");
    const terminal = await startClient(room, "alice");
    await joinAs(room, "bob");
    await joinAs(room, "bob");
    await joinAs(room, "zoë");
    await terminal.waitForScreen("zoë's join", (rows) => rows.some((row) => row.includes("zoë joined the chat")));

    await terminal.typeLine("/who");
    await terminal.waitForScreen("the online list", (rows) => rows.includes("-- 3 online: alice, bob, zoë"));
  });

  it("keeps the partly typed line intact on the bottom row while messages arrive, and sends it whole", async () => {
    const room = uniqueRoom("cli-garble");
    const terminal = await startClient(room, "alice");
    const bob = await joinAs(room, "bob");
    await terminal.waitForScreen("bob's join", (rows) => rows.some((row) => row.includes("bob joined the chat")));

    // Long enough to wrap onto a second row of the 100-column terminal, with the cursor moved
    // back into the middle of it: the hardest case for redrawing.
    const typed = `${"x".repeat(110)} hal typed`;
    await terminal.type(typed);
    await terminal.press(...Array<string>(6).fill("Left"));
    for (let i = 1; i <= 5; i++) say(bob, `interruption ${i}`);
    const rows = await terminal.waitForScreen(
      "five interruptions, and the prompt redrawn",
      (rows) =>
        rows.some((row) => row.endsWith("bob: interruption 5")) && rows.slice(-2).join("").startsWith(`${room}> `),
    );
    expect(rows.slice(-2).join("")).toBe(`${room}> ${typed}`);
    expect(rows.filter((row) => row.includes("xxx"))).toHaveLength(2);
    expect(rows.filter((row) => row.includes("interruption")).map((row) => row.slice(6))).toEqual(
      [1, 2, 3, 4, 5].map((i) => `bob: interruption ${i}`),
    );

    // Typing goes on where the cursor was, as if nothing had happened.
    await terminal.typeLine("f");
    await bob.waitFor("alice's line", () => bob.messages().some((m) => isMessage(m) && m.name === "alice"));
    expect(
      bob
        .messages()
        .filter((m) => isMessage(m) && m.name === "alice")
        .map((m) => (m as ChatMessage).text),
    ).toEqual([`${"x".repeat(110)} half typed`]);
  });

  it("/help lists the commands and /quit leaves with exit status 0", async () => {
    const room = uniqueRoom("cli-quit");
    const terminal = await startClient(room, "alice");
    const bob = await joinAs(room, "bob");
    await terminal.typeLine("/help");
    await terminal.waitForScreen("the help", (rows) =>
      ["/who", "/help", "/quit"].every((c) => rows.some((row) => row.trim().startsWith(c))),
    );

    await terminal.typeLine("/quit");
    await terminal.waitForScreen("exit status 0", (rows) => rows.includes("[exited 0]"));
    await bob.waitFor("alice's leave", () => bob.messages().some((m) => m.type === "leave" && m.name === "alice"));
    expect(bob.messages().filter(isMessage), "/help and /quit are not sent as messages").toEqual([]);
  });
});

describe("the terminal client when the service restarts", () => {
  it("shows that it is offline, queues what is typed, then reconnects, resumes and sends it once", async () => {
    const room = uniqueRoom("cli-restart");
    const terminal = await startClient(room, "alice");

    await server.stop();
    await terminal.waitForScreen(
      "the offline state",
      (rows) =>
        rows.some((row) => row.startsWith("-- connection lost")) &&
        /^\[offline, retry in \d+ s\]/.test(rows.at(-1) ?? ""),
    );
    await terminal.typeLine("typed while offline");
    await terminal.waitForScreen("the queued count", (rows) => /1 queued\]/.test(rows.at(-1) ?? ""));

    await server.startAgain();
    // Said in the room while alice may still be waiting to retry: she gets it on resuming (or live).
    const bob = await joinAs(room, "bob");
    say(bob, "while you were away");

    const rows = await terminal.waitForScreen(
      "the queued line sent and bob's message",
      (rows) =>
        rows.some((row) => row.endsWith("alice: typed while offline")) &&
        rows.some((row) => row.endsWith("bob: while you were away")) &&
        rows.at(-1) === `${room}>`,
      45_000,
    );
    expect(rows.some((row) => row.startsWith(`-- back in room ${room}`))).toBe(true);
    expect(rows.filter((row) => row.includes("typed while offline"))).toHaveLength(1);
    expect(rows.filter((row) => row.includes("while you were away"))).toHaveLength(1);
    expect(rows.at(-1)).toBe(`${room}>`);
    const stored = await storedMessages(server, room);
    expect(stored.messages.filter((m) => m.type === "message" && m.text === "typed while offline")).toHaveLength(1);
  }, 90_000);
});
