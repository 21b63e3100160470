// The interactive client on in-memory streams (its output played on a terminal model) against a
// scripted room on a local port: what a person at the terminal sees, what reaches the room, and
// how the session ends.

import { describe, expect, test } from "vitest";
import { clock } from "../../../src/cli/format.ts";
import { runTerminalChat } from "../../../src/cli/terminal-chat.ts";
import { cliOptions } from "../../support/cli-options.ts";
import { memoryIo } from "../../support/memory-io.ts";
import { chatMessage, playRoom, scriptedRooms, welcome } from "../../support/scripted-room.ts";

const room = scriptedRooms();

/** The client at a terminal 100 columns wide, started against `url`. */
function terminal(url: string) {
  const memory = memoryIo({ terminal: true, columns: 100 });
  const done = runTerminalChat(cliOptions(url), memory.io);
  const shows = (what: string | RegExp) => until(what, () => memory.screen.text);
  return { ...memory, done, shows, type: (keys: string) => memory.input.write(keys) };
}

/** Waits until a row of `rows()` equals (or matches) `what`. */
async function until(what: string | RegExp, rows: () => string[], timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const found = () => rows().some((row) => (typeof what === "string" ? row === what : what.test(row)));
  while (!found()) {
    if (Date.now() > deadline) throw new Error(`no row ${what} on the screen:\n${rows().join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const time = (id: number) => clock(chatMessage(id, "", "").at);

describe("runTerminalChat", () => {
  test("shows the history and who is there, sends a typed line, shows it once when the room relays it, and /quit exits 0", async () => {
    const chat = await room((visit) =>
      playRoom(visit, "alice", { history: [chatMessage(1, "bob", "earlier")], online: ["alice", "bob"] }),
    );
    const client = terminal(chat.url);
    await client.shows("-- joined room main as alice; 2 online: alice, bob");
    expect(client.screen.text).toEqual([
      `${time(1)} bob: earlier`,
      "-- joined room main as alice; 2 online: alice, bob",
      "main>",
    ]);

    client.type("hello\r");
    await client.shows(`${time(2)} alice: hello`);
    expect(client.screen.text.slice(2)).toEqual([`${time(2)} alice: hello`, "main>"]);
    expect(chat.visits[0]!.received.filter((frame) => frame.type === "message")).toEqual([
      { type: "message", text: "hello", ref: expect.stringMatching(/^[0-9a-z]{16}$/) },
    ]);

    client.type("/quit\r");
    expect(await client.done).toBe(0);
    expect(client.errors()).toBe("");
  });

  test("shows joins, leaves and /who, and text from the room cannot drive the terminal", async () => {
    const chat = await room((visit) => playRoom(visit, "alice"));
    const client = terminal(chat.url);
    await client.shows(/^-- joined room main/);
    const visit = chat.visits[0]!;
    visit.socket.send(JSON.stringify({ type: "join", name: "bob", at: 1, online: 2 }));
    visit.socket.send(JSON.stringify(chatMessage(5, "bob", "look\x1b[2J\nsecond line")));
    await client.shows("-- bob joined the chat (2 online)");
    await client.shows(`${time(5)} bob: look^[[2J`);
    await client.shows("      second line");
    client.type("/who\r");
    await client.shows("-- 2 online: alice, bob");
    visit.socket.send(JSON.stringify({ type: "leave", name: "bob", at: 2, online: 1 }));
    await client.shows("-- bob left the chat (1 online)");
    client.type("/who\r");
    await client.shows("-- 1 online: alice");
    client.input.end();
    expect(await client.done).toBe(0);
  });

  test("a line over the room's size limit is refused at once and never sent", async () => {
    const chat = await room((visit) =>
      playRoom(visit, "alice", { limits: { messageBytes: 10, burst: 5, perSecond: 5 } }),
    );
    const client = terminal(chat.url);
    await client.shows(/^-- joined room main/);
    client.type("ééééééé\r");
    await client.shows("error: message is over 10 bytes of UTF-8; not sent");
    client.type("short\r");
    await client.shows(`${time(1)} alice: short`);
    expect(chat.visits[0]!.received.filter((frame) => frame.type === "message")).toHaveLength(1);
    client.type("/quit\r");
    expect(await client.done).toBe(0);
  });

  test("a moderator's command goes to the room and says what was asked", async () => {
    const chat = await room((visit) => playRoom(visit, "alice", { user: "u-alice", role: "moderator" }));
    const client = terminal(chat.url);
    await client.shows(/^-- joined room main/);
    await client.shows("-- slow mode is off, everyone may post; you are a moderator (/help)");
    client.type("/kick bob\r");
    await client.shows(/^-- asked to /);
    await until("kick", () => chat.visits[0]!.received.map((frame) => frame.type));
    expect(chat.visits[0]!.received).toContainEqual({ type: "kick", name: "bob" });
    client.type("/quit\r");
    expect(await client.done).toBe(0);
  });

  test("someone typing shows in the prompt, and typing a draft tells the room", async () => {
    const chat = await room((visit) => playRoom(visit, "alice"));
    const client = terminal(chat.url);
    await client.shows(/^-- joined room main/);
    chat.visits[0]!.socket.send(JSON.stringify({ type: "typing", name: "bob" }));
    await client.shows("[bob is typing…] main>");
    client.type("dra");
    await until("typing frame", () =>
      chat.visits[0]!.received.map((frame) => (frame.type === "typing" ? "typing frame" : "")),
    );
    // Thrown away with Ctrl-U; a command being typed is not a draft.
    client.type("\x15/who");
    client.type("\r");
    await client.shows(/online: alice$/);
    expect(chat.visits[0]!.received.filter((frame) => frame.type === "typing")).toHaveLength(1);
    client.type("/quit\r");
    expect(await client.done).toBe(0);
  });

  test("a dropped connection is said once and counted down in the prompt; coming back is said too", async () => {
    const chat = await room();
    const client = terminal(chat.url);
    const first = await chat.nextVisit();
    playRoom(first, "alice");
    await client.shows(/^-- joined room main/);
    first.socket.close(1012, "restarting");
    await client.shows("-- connection lost (restarting, code 1012); reconnecting");
    await client.shows(/^\[offline, retry in \d s\] main>$/);
    client.type("while away\r");
    await client.shows(/^\[offline, retry in \d s, 1 queued\] main>$/);

    const second = await chat.nextVisit();
    expect(second.params.get("since")).toBe("0");
    playRoom(second, "alice");
    await client.shows("-- back in room main; 1 online: alice");
    await client.shows(`${time(1)} alice: while away`);
    client.type("/quit\r");
    expect(await client.done).toBe(0);
  });

  test("leaving with a message still unacknowledged waits for it, then exits 0", async () => {
    const chat = await room((visit) => visit.socket.send(JSON.stringify(welcome("alice"))));
    const client = terminal(chat.url);
    await client.shows(/^-- joined room main/);
    client.type("last words\r");
    await until("message", () => chat.visits[0]!.received.map((frame) => frame.type));
    client.input.end();
    await client.shows("-- sending 1 message before leaving (Ctrl-C leaves now)");
    const frame = chat.visits[0]!.received.find((f) => f.type === "message")!;
    chat.visits[0]!.socket.send(JSON.stringify(chatMessage(1, "alice", "last words", frame.ref)));
    expect(await client.done).toBe(0);
  });

  test("a close that refuses the session prints the reason and exits 2", async () => {
    const chat = await room((visit) => {
      visit.socket.send(JSON.stringify(welcome("alice")));
      setTimeout(() => visit.socket.close(4403, "removed by a moderator"), 20);
    });
    const client = terminal(chat.url);
    expect(await client.done).toBe(2);
    expect(client.errors()).toBe("edge-chat: removed by a moderator\n");
  });
});
