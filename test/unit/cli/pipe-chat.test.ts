// The scripting client (standard input not a terminal) on in-memory streams, against a scripted
// room on a local port: what it sends, what it prints, and how it ends.

import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { runPipeChat } from "../../../src/cli/pipe-chat.ts";
import { JSON_SUBPROTOCOL } from "../../../src/shared/protocol.ts";
import { cliOptions } from "../../support/cli-options.ts";
import { memoryIo } from "../../support/memory-io.ts";
import { chatMessage, playRoom, scriptedRooms, welcome, type Visit } from "../../support/scripted-room.ts";

const room = scriptedRooms();

/** The client started against a room the test scripts frame by frame, and the first socket it opened. */
async function clientOfScriptedRoom() {
  const chat = await room();
  const memory = memoryIo();
  const done = runPipeChat(cliOptions(chat.url), memory.io);
  const visit = await chat.nextVisit();
  /** Ends the input once the output includes `last` (so the client is still there to print it); resolves to the exit status. */
  const endOnceShown = async (last: string) => {
    await expectSoon(() => memory.output().includes(last));
    memory.input.end();
    return done;
  };
  return { ...memory, chat, done, visit, endOnceShown };
}

/** A room that welcomes alice, then relays each chat message back, or refuses it where `refuse` gives a code and a reason. */
function refusingRoom(refuse: (text: string, index: number) => [code: string, message: string] | undefined) {
  return (visit: Visit) => {
    visit.socket.send(JSON.stringify(welcome("alice")));
    let id = 0;
    let index = 0;
    visit.socket.on("message", (data) => {
      const frame = JSON.parse(String(data));
      const refusal = refuse(frame.text, index++);
      if (refusal) {
        const [code, message] = refusal;
        visit.socket.send(JSON.stringify({ type: "error", code, message, ref: frame.ref }));
      } else visit.socket.send(JSON.stringify(chatMessage(++id, "alice", frame.text, frame.ref)));
    });
  };
}

describe("runPipeChat", () => {
  test("sends every non-blank line, prints the room as plain lines, and exits 0 once each has come back", async () => {
    const chat = await room((visit) =>
      playRoom(visit, "alice", { history: [chatMessage(1, "bob", "earlier")], online: ["alice", "bob"] }),
    );
    const { io, input, output, errors } = memoryIo();
    input.end("one\n\n   \ntwo\n");
    expect(await runPipeChat(cliOptions(chat.url, { room: "lobby", history: 5 }), io)).toBe(0);

    const [visit] = chat.visits;
    expect(visit!.path).toBe("/chat/lobby");
    expect(visit!.protocol).toBe(JSON_SUBPROTOCOL);
    expect(Object.fromEntries(visit!.params)).toEqual({ name: "alice", history: "5", batch: "1" });
    expect(visit!.received.map((frame) => frame.type === "message" && frame.text)).toEqual(["one", "two"]);
    expect(output()).toBe("from bob: earlier\nalice joined the chat!\nfrom alice: one\nfrom alice: two\n");
    expect(errors()).toBe("");
  });

  test("with no input it exits 0 once joined", async () => {
    const chat = await room((visit) => playRoom(visit, "guest-1a2b"));
    const { io, input, output } = memoryIo();
    input.end();
    expect(await runPipeChat(cliOptions(chat.url, { name: "" }), io)).toBe(0);
    expect(output()).toBe("guest-1a2b joined the chat!\n");
  });

  test("says when older messages are gone, and prints others' joins, leaves and messages as they come", async () => {
    const { visit, output, endOnceShown } = await clientOfScriptedRoom();
    visit.socket.send(JSON.stringify(welcome("alice", { truncated: true })));
    visit.socket.send(
      JSON.stringify([
        { type: "join", name: "bob", at: 1, online: 2 },
        chatMessage(1, "bob", "hi all"),
        { type: "leave", name: "bob", at: 2, online: 1 },
      ]),
    );
    // Input ends only after the room has spoken, so the client is still there to print it.
    expect(await endOnceShown("bob left")).toBe(0);
    expect(output()).toBe(
      "note: older messages are no longer kept\nalice joined the chat!\nbob joined the chat!\nfrom bob: hi all\nbob left the chat!\n",
    );
  });

  test("a line the room refuses is named on standard error, the rest still go, and the exit status is 1", async () => {
    const chat = await room(refusingRoom((text) => (text === "bad" ? ["too_long", "too long"] : undefined)));
    const { io, input, output, errors } = memoryIo();
    input.end("good\n\nbad\nfine\n");
    expect(await runPipeChat(cliOptions(chat.url), io)).toBe(1);
    expect(errors()).toBe("edge-chat: line 3 was refused: too long\n");
    expect(output()).toContain("from alice: good\nfrom alice: fine\n");
  });

  test("a line refused for pace goes again and is not reported", async () => {
    const chat = await room(refusingRoom((_text, index) => (index === 0 ? ["rate_limited", "slow"] : undefined)));
    const { io, input, output, errors } = memoryIo();
    input.end("hello\n");
    expect(await runPipeChat(cliOptions(chat.url), io)).toBe(0);
    expect(chat.visits[0]!.received).toHaveLength(2);
    expect(output()).toContain("from alice: hello\n");
    expect(errors()).toBe("");
  });

  test("after a dropped connection it says so, resumes, resends what was not acknowledged, and prints it once", async () => {
    const { chat, visit: first, input, output, errors, done } = await clientOfScriptedRoom();
    first.socket.send(JSON.stringify(welcome("alice", { history: [chatMessage(1, "bob", "earlier")] })));
    input.end("hello\n");
    await expectSoon(() => first.received.length === 1);
    first.socket.close(1012, "restarting");

    const second = await chat.nextVisit();
    expect(Object.fromEntries(second.params)).toEqual({ name: "alice", since: "1", batch: "1" });
    const relayed = playRoom(second, "alice", { lastMessageId: 1 });
    expect(await done).toBe(0);
    expect(second.received).toEqual([first.received[0]]);
    expect(relayed.map((message) => message.text)).toEqual(["hello"]);
    expect(errors()).toMatch(
      /^edge-chat: connection lost \(1012 restarting\); reconnecting in \d+ s\nedge-chat: reconnected\n$/,
    );
    expect(output()).toBe("from bob: earlier\nalice joined the chat!\nfrom alice: hello\n");
  });

  test("a live deletion is worded with whose message it was; replayed ones print nothing", async () => {
    const { visit, output, endOnceShown } = await clientOfScriptedRoom();
    const replayedDelete = { type: "delete", id: 2, target: 1, name: "mod", at: 1 } as const;
    visit.socket.send(
      JSON.stringify(
        welcome("alice", { history: [chatMessage(1, "bob", "x"), replayedDelete, chatMessage(3, "carol", "y")] }),
      ),
    );
    visit.socket.send(JSON.stringify({ type: "delete", id: 4, target: 3, name: "mod", at: 2 }));
    visit.socket.send(JSON.stringify({ type: "delete", id: 5, target: 99, name: "mod", at: 3 }));
    expect(await endOnceShown("message 99")).toBe(0);
    expect(output()).toBe(
      "from bob: x\nfrom carol: y\nalice joined the chat!\na message from carol was deleted\nmessage 99 was deleted\n",
    );
  });

  test("a close that refuses the request prints the room's reason and exits 2", async () => {
    const chat = await room((visit) => visit.socket.close(4403, "you are banned from this room"));
    const { io, input, errors } = memoryIo();
    input.end("hello\n");
    expect(await runPipeChat(cliOptions(chat.url), io)).toBe(2);
    expect(errors()).toBe("edge-chat: you are banned from this room\n");
  });

  test("a service that cannot be reached exits 1, saying why", async () => {
    const url = await unusedUrl();
    const { io, input, errors } = memoryIo();
    input.end("hello\n");
    expect(await runPipeChat(cliOptions(url), io)).toBe(1);
    expect(errors()).toBe(`edge-chat: cannot reach ${url}: connect ECONNREFUSED ${url.slice("http://".length)}\n`);
  });
});

/** An http URL on a local port nobody listens on. */
async function unusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return `http://127.0.0.1:${port}`;
}

async function expectSoon(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
