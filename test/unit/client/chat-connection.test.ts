// The client core against a scripted room: a real `ws` server on a local port that plays the
// room's part frame by frame, so that situations a real room reaches only rarely (a storage
// reset, a refusal for pace) happen on cue. The sockets and the network are real.

import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { ChatConnection, type ChatConnectionEvents, type SocketLike } from "../../../src/client/chat-connection.ts";
import type { ChatMessage } from "../../../src/shared/protocol.ts";
import { chatMessage, scriptedRooms, welcome as welcomeAs } from "../../support/scripted-room.ts";

/** A local room that records each visit and leaves the answers to the test; closed after it. */
const scriptedRoom = scriptedRooms();

const connections: ChatConnection[] = [];
afterEach(() => {
  for (const connection of connections.splice(0)) connection.stop();
});

async function eventually(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A welcome as `you` after `history`, the room's last id `lastMessageId`, at 5 messages a second. */
function welcome(history: ChatMessage[], lastMessageId: number, you = "alice") {
  return welcomeAs(you, { history, lastMessageId, limits: { messageBytes: 4096, burst: 20, perSecond: 5 } });
}

/** A stored message from bob. */
const message = (id: number, text: string, ref?: string) => chatMessage(id, "bob", text, ref);

const openSocket = (url: string, protocol: string) => new WebSocket(url, [protocol]) as WebSocket & SocketLike;

/** A connection to `url` that records what it shows; a first retry comes after 250–500 ms. */
function connect(url: string, events: ChatConnectionEvents = {}, name = "alice") {
  const shown: string[] = [];
  const connection = new ChatConnection({
    url,
    room: "main",
    name,
    history: 50,
    openSocket,
    events: { message: (m) => shown.push(m.text), ...events },
  });
  connections.push(connection);
  connection.start();
  return { connection, shown };
}

describe("joining and resuming", () => {
  test("a first join names the room, the name and the history, and asks for batched frames", async () => {
    const room = await scriptedRoom();
    connect(room.url, {}, "Zoë");
    const visit = await room.nextVisit();
    expect(visit.path).toBe("/chat");
    expect(Object.fromEntries(visit.params)).toEqual({ name: "Zoë", history: "50", batch: "1" });
  });

  test("shows the replay and batched live messages once each, in order", async () => {
    const room = await scriptedRoom();
    const { connection, shown } = connect(room.url);
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify(welcome([message(1, "one"), message(2, "two")], 2)));
    visit.socket.send(JSON.stringify([message(2, "two"), message(3, "three"), { type: "join", name: "bob" }]));
    visit.socket.send(JSON.stringify(message(4, "four")));
    await eventually("four messages", () => shown.length === 4);
    expect(shown).toEqual(["one", "two", "three", "four"]);
    expect(connection.state).toEqual({ kind: "connected" });
    expect(connection.online).toEqual(["alice", "bob"]);
  });

  test("reports the end of the replay after its messages and before any live one", async () => {
    const room = await scriptedRoom();
    const order: string[] = [];
    connect(room.url, {
      message: (m) => order.push(m.text),
      replayed: (w, resumed) => order.push(`replayed ${w.lastMessageId} ${resumed}`),
    });
    const visit = await room.nextVisit();
    // Both frames reach the client together, as they do when a busy room's first flush follows the welcome.
    visit.socket.send(JSON.stringify(welcome([message(1, "one"), message(2, "two")], 2)));
    visit.socket.send(JSON.stringify([message(3, "three")]));
    await eventually("three messages", () => order.length === 4);
    expect(order).toEqual(["one", "two", "replayed 2 false", "three"]);
  });

  test("after a drop it resumes with since, under the name the room gave, and shows nothing twice", async () => {
    const room = await scriptedRoom();
    const { shown } = connect(room.url, {}, "");
    const first = await room.nextVisit();
    first.socket.send(JSON.stringify(welcome([message(1, "one"), message(2, "two")], 2, "guest-ab12")));
    await eventually("the replay", () => shown.length === 2);
    first.socket.close(1001, "restart");
    const second = await room.nextVisit();
    expect(Object.fromEntries(second.params)).toEqual({ name: "guest-ab12", since: "2", batch: "1" });
    second.socket.send(JSON.stringify(welcome([message(2, "two"), message(3, "three")], 3, "guest-ab12")));
    await eventually("the new message", () => shown.length === 3);
    expect(shown).toEqual(["one", "two", "three"]);
  });

  test("after the room's storage was reset, it shows the room's new messages from the first", async () => {
    const room = await scriptedRoom();
    const { connection, shown } = connect(room.url);
    const first = await room.nextVisit();
    first.socket.send(JSON.stringify(welcome([message(9, "old nine"), message(10, "old ten")], 10)));
    await eventually("the replay", () => shown.length === 2);
    first.socket.close(1001, "restart");

    // The reset room has three messages; after since=10 it has nothing to replay.
    const second = await room.nextVisit();
    expect(second.params.get("since")).toBe("10");
    second.socket.send(JSON.stringify(welcome([], 3)));

    const third = await room.nextVisit();
    expect(third.params.get("since")).toBe("0");
    third.socket.send(
      JSON.stringify(welcome([message(1, "new one"), message(2, "new two"), message(3, "new three")], 3)),
    );
    third.socket.send(JSON.stringify(message(4, "new four")));
    await eventually("the reset room's messages", () => shown.length === 6);
    expect(shown).toEqual(["old nine", "old ten", "new one", "new two", "new three", "new four"]);
    expect(connection.lastId).toBe(4);
    // The socket that learnt of the reset was closed rather than left open beside the new one.
    await eventually("the second socket to close", () => second.socket.readyState === WebSocket.CLOSED);
  });

  test("you, lastId and limits come from the room and cannot be written from outside", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url, {}, "");
    expect([connection.you, connection.lastId, connection.limits]).toEqual(["", 0, null]);
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify(welcome([message(7, "seven")], 7, "guest-q1w2")));
    await eventually("the welcome", () => connection.lastId === 7);
    expect(connection.you).toBe("guest-q1w2");
    expect(connection.limits).toEqual({ messageBytes: 4096, burst: 20, perSecond: 5 });
    // @ts-expect-error `you` is read-only
    expect(() => (connection.you = "mallory")).toThrow(TypeError);
    // @ts-expect-error `lastId` is read-only
    expect(() => (connection.lastId = 0)).toThrow(TypeError);
    // @ts-expect-error `limits` is read-only
    expect(() => (connection.limits = null)).toThrow(TypeError);
    expect([connection.you, connection.lastId]).toEqual(["guest-q1w2", 7]);
  });
});

describe("sending", () => {
  test("sends one message at a time, each with a ref, and settles it when its copy comes back", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const visit = await room.nextVisit();
    const refs = [connection.send("a"), connection.send("b")];
    expect(connection.pending.map((p) => p.text)).toEqual(["a", "b"]);
    visit.socket.send(JSON.stringify(welcome([], 0)));
    await eventually("the first message", () => visit.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(visit.received).toEqual([{ type: "message", text: "a", ref: refs[0] }]);
    visit.socket.send(JSON.stringify(message(1, "a", refs[0])));
    await eventually("the second message", () => visit.received.length === 2);
    expect(visit.received[1]).toEqual({ type: "message", text: "b", ref: refs[1] });
    visit.socket.send(JSON.stringify(message(2, "b", refs[1])));
    await eventually("nothing pending", () => connection.pending.length === 0);
  });

  test("a message refused for pace goes again, before the ones sent after it", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify(welcome([], 0)));
    await eventually("connected", () => connection.state.kind === "connected");
    const [a, b] = [connection.send("a"), connection.send("b")];
    await eventually("a", () => visit.received.length === 1);
    visit.socket.send(JSON.stringify({ type: "error", code: "rate_limited", message: "slow down", ref: a }));
    await eventually("a again", () => visit.received.length === 2);
    expect(visit.received.map((frame) => frame.type === "message" && frame.text)).toEqual(["a", "a"]);
    visit.socket.send(JSON.stringify(message(1, "a", a)));
    await eventually("b", () => visit.received.length === 3);
    expect(visit.received[2]).toEqual({ type: "message", text: "b", ref: b });
  });

  test("a message unacknowledged when the connection drops goes again under the same ref", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const first = await room.nextVisit();
    first.socket.send(JSON.stringify(welcome([], 0)));
    const ref = await new Promise<string>((resolve) => {
      const check = () =>
        connection.state.kind === "connected" ? resolve(connection.send("hi")) : setTimeout(check, 10);
      check();
    });
    await eventually("the first try", () => first.received.length === 1);
    first.socket.close(1011, "oops");
    const second = await room.nextVisit();
    second.socket.send(JSON.stringify(welcome([], 0)));
    await eventually("the resend", () => second.received.length === 1);
    expect(second.received[0]).toEqual({ type: "message", text: "hi", ref });
  });
});

describe("typing and moderation", () => {
  test("typing goes out only while connected, and at most once per interval", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const visit = await room.nextVisit();
    expect(connection.typing()).toBe(false);
    visit.socket.send(JSON.stringify(welcome([], 0)));
    await eventually("connected", () => connection.state.kind === "connected");
    expect(connection.typing()).toBe(true);
    expect(connection.typing()).toBe(false);
    await eventually("the typing frame", () => visit.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(visit.received).toEqual([{ type: "typing" }]);
  });

  test("a moderation request goes out at once while connected, and is refused, not queued, while offline", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const visit = await room.nextVisit();
    expect(connection.moderate({ type: "kick", name: "bob" })).toEqual({
      ok: false,
      reason: "not connected to the room: try again once connected",
    });
    visit.socket.send(JSON.stringify({ ...welcome([], 0), user: "u-mod", role: "moderator" }));
    await eventually("connected", () => connection.state.kind === "connected");
    expect(connection.identity).toEqual({ user: "u-mod", role: "moderator" });
    expect(connection.moderate({ type: "settings", slowMode: 30 })).toEqual({ ok: true });
    await eventually("the settings frame", () => visit.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The kick asked for while offline never went.
    expect(visit.received).toEqual([{ type: "settings", slowMode: 30 }]);
  });

  test("settings come from the welcome and follow settings events", async () => {
    const room = await scriptedRoom();
    const seen: number[] = [];
    const { connection } = connect(room.url, { settings: (s) => seen.push(s.slowMode) });
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify({ ...welcome([], 0), settings: { slowMode: 5, readOnly: true } }));
    await eventually("connected", () => connection.state.kind === "connected");
    expect(connection.settings).toEqual({ slowMode: 5, readOnly: true });
    visit.socket.send(JSON.stringify({ type: "settings", slowMode: 0, readOnly: false, name: "mod" }));
    await eventually("the settings event", () => seen.length === 1);
    expect(connection.settings).toEqual({ slowMode: 0, readOnly: false });
  });

  test("pacing for slow mode waits that long after each acknowledged message before the next", async () => {
    const room = await scriptedRoom();
    const connection = new ChatConnection({
      url: room.url,
      room: "main",
      name: "piper",
      openSocket,
      paceSlowMode: true,
    });
    connections.push(connection);
    connection.start();
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify({ ...welcome([], 0, "piper"), settings: { slowMode: 1, readOnly: false } }));
    await eventually("connected", () => connection.state.kind === "connected");
    const [a] = [connection.send("a"), connection.send("b")];
    await eventually("a", () => visit.received.length === 1);
    const ackedAt = Date.now();
    visit.socket.send(JSON.stringify(message(1, "a", a)));
    await eventually("b", () => visit.received.length === 2, 3_000);
    expect(Date.now() - ackedAt).toBeGreaterThanOrEqual(950);
    expect(visit.received.map((frame) => frame.type === "message" && frame.text)).toEqual(["a", "b"]);
  });

  test("without pacing for slow mode, a slow_mode refusal is reported and the message settled", async () => {
    const room = await scriptedRoom();
    const errors: string[] = [];
    const { connection } = connect(room.url, { error: (e) => errors.push(e.code) });
    const visit = await room.nextVisit();
    visit.socket.send(JSON.stringify(welcome([], 0)));
    await eventually("connected", () => connection.state.kind === "connected");
    const ref = connection.send("a");
    await eventually("a", () => visit.received.length === 1);
    visit.socket.send(JSON.stringify({ type: "error", code: "slow_mode", message: "wait 3 s", ref }));
    await eventually("the refusal", () => errors.length === 1);
    expect(errors).toEqual(["slow_mode"]);
    expect(connection.pending).toEqual([]);
  });
});

describe("closing", () => {
  test("a refused request is final: no reconnect, and the reason is kept", async () => {
    const room = await scriptedRoom();
    const { connection } = connect(room.url);
    const visit = await room.nextVisit();
    visit.socket.close(4400, "name may hold letters only");
    await eventually("closed", () => connection.state.kind === "closed");
    expect(connection.state).toEqual({ kind: "closed", code: 4400, reason: "name may hold letters only" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(room.visits).toHaveLength(1);
  });

  test("a URL nobody answers is reported as unreachable", async () => {
    const room = await scriptedRoom();
    const url = room.url;
    await room.close();
    const unreachable: string[] = [];
    const { connection } = connect(url, { unreachable: (detail) => unreachable.push(detail) });
    await eventually("the unreachable report", () => unreachable.length === 1);
    expect(unreachable[0]).toBe(`cannot reach ${url}`);
    expect(connection.state.kind).toBe("waiting");
  });
});
