// What the client core puts on the wire, on a real socket to a local server: the frames are read
// where the room would read them. Only the clock is the test's: `now` and the `later` queue are
// driven by hand, so that pacing over seconds takes no time.

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { OFFLINE_REASON, Sender, type SenderHooks } from "../../../src/client/sender.ts";
import type { SocketLike } from "../../../src/client/socket-like.ts";
import type { ErrorMessage, RoomLimits, RoomSettings } from "../../../src/shared/protocol.ts";

/** Marks the end of what a test has sent so far: the socket keeps order, so what came before it is all there is. */
const SYNC = '{"type":"sync"}';

let server: WebSocketServer;
let client: WebSocket & SocketLike;
let frames: { type: string; text?: string; ref?: string }[] = [];
let synced = 0;

beforeEach(async () => {
  frames = [];
  synced = 0;
  server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((listening) => server.once("listening", listening));
  server.on("connection", (socket) =>
    socket.on("message", (data) => (String(data) === SYNC ? synced++ : frames.push(JSON.parse(String(data))))),
  );
  const { port } = server.address() as { port: number };
  client = new WebSocket(`ws://127.0.0.1:${port}`) as WebSocket & SocketLike;
  await new Promise((open) => client.once("open", open));
});

afterEach(async () => {
  client.close();
  await new Promise((done) => server.close(done));
});

/** Every frame the sender put on the socket since the last call, in order. */
async function sent(): Promise<typeof frames> {
  const target = synced + 1;
  client.send(SYNC);
  const deadline = performance.now() + 2_000;
  while (synced < target) {
    if (performance.now() > deadline) throw new Error("the server never got the sync frame");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return frames.splice(0);
}

/** A hand-driven clock: `later` only queues, `advance` moves time and runs what is due. */
function clock() {
  let now = 1_000_000;
  let queue: { due: number; run: () => void }[] = [];
  return {
    now: () => now,
    later: (ms: number, run: () => void) => void queue.push({ due: now + ms, run }),
    /** Delays asked for so far and not yet run. */
    waits: () => queue.map((entry) => entry.due - now),
    advance(ms: number) {
      now += ms;
      const due = queue.filter((entry) => entry.due <= now);
      queue = queue.filter((entry) => entry.due > now);
      for (const entry of due) entry.run();
    },
  };
}

/** Checks that the next frame waits exactly `ms` on `time`: nothing goes a millisecond before, `texts` go at `ms`. */
async function expectHeldFor(time: ReturnType<typeof clock>, ms: number, texts: string[]): Promise<void> {
  expect(time.waits()).toEqual([ms]);
  time.advance(ms - 1);
  expect(await sent()).toEqual([]);
  time.advance(1);
  expect((await sent()).map((f) => f.text)).toEqual(texts);
}

const LIMITS: RoomLimits = { messageBytes: 4096, burst: 2, perSecond: 2 };
const OPEN_ROOM: RoomSettings = { slowMode: 0, readOnly: false };

function sender(hooks: Partial<SenderHooks> = {}) {
  const time = clock();
  return { time, sender: new Sender({ later: time.later, now: time.now, ...hooks }) };
}

const refusal = (code: ErrorMessage["code"], ref: string): ErrorMessage => ({
  type: "error",
  code,
  message: code,
  ref,
});

describe("chat messages", () => {
  test("nothing goes out before the welcome; then queued messages go one at a time, each after the last is acknowledged", async () => {
    const { sender: s } = sender();
    const a = s.queue("a");
    const b = s.queue("b");
    expect(await sent()).toEqual([]);
    expect(s.pending.map((p) => p.text)).toEqual(["a", "b"]);

    s.attach(client, LIMITS, OPEN_ROOM, false);
    expect(await sent()).toEqual([{ type: "message", text: "a", ref: a }]);
    expect(s.settle(a, true)).toBe(true);
    expect(await sent()).toEqual([{ type: "message", text: "b", ref: b }]);
    s.settle(b, true);
    expect(s.pending).toEqual([]);
  });

  test("settling a ref that is not pending says so", () => {
    const { sender: s } = sender();
    s.queue("a");
    expect(s.settle("not-ours", true)).toBe(false);
    expect(s.pending).toHaveLength(1);
  });

  test("refs are 16 base-36 characters and differ from message to message", () => {
    const { sender: s } = sender();
    const refs = [s.queue("a"), s.queue("b"), s.queue("c")];
    for (const ref of refs) expect(ref).toMatch(/^[0-9a-z]{16}$/);
    expect(new Set(refs).size).toBe(3);
  });

  test("a burst beyond the room's limit waits for the bucket to refill instead of being refused", async () => {
    const { sender: s, time } = sender();
    s.attach(client, LIMITS, OPEN_ROOM, false);
    const refs = ["1", "2", "3"].map((text) => s.queue(text));
    s.settle(refs[0]!, true);
    s.settle(refs[1]!, true);
    expect((await sent()).map((f) => f.text)).toEqual(["1", "2"]);
    // The bucket of 2 is empty; at 2 a second the next token is 500 ms away.
    await expectHeldFor(time, 500, ["3"]);
  });

  test("after the socket is lost nothing goes; the next welcome resends what was not acknowledged, under the same ref", async () => {
    const { sender: s } = sender();
    s.attach(client, LIMITS, OPEN_ROOM, false);
    const a = s.queue("a");
    expect(await sent()).toEqual([{ type: "message", text: "a", ref: a }]);
    s.detach();
    const b = s.queue("b");
    expect(s.typing()).toBe(false);
    expect(await sent()).toEqual([]);
    s.attach(client, LIMITS, OPEN_ROOM, false);
    expect(await sent()).toEqual([{ type: "message", text: "a", ref: a }]);
    s.settle(a, true);
    expect(await sent()).toEqual([{ type: "message", text: "b", ref: b }]);
  });

  test("a socket that is no longer open gets nothing", async () => {
    const { sender: s } = sender();
    s.attach(client, LIMITS, OPEN_ROOM, false);
    s.queue("first");
    expect(await sent()).toHaveLength(1);
    const closed = new Promise((done) => client.once("close", done));
    client.close();
    await closed;
    s.queue("second");
    expect(s.moderate({ type: "kick", name: "bob" })).toEqual({ ok: false, reason: OFFLINE_REASON });
    expect(s.pending.map((p) => p.text)).toEqual(["first", "second"]);
  });
});

describe("refusals for pace", () => {
  test("a rate_limited message goes again after one token's time, in its place, under the same ref", async () => {
    const { sender: s, time } = sender();
    s.attach(client, LIMITS, OPEN_ROOM, false);
    const a = s.queue("a");
    s.queue("b");
    expect(await sent()).toHaveLength(1);
    expect(s.retryIfPaced(refusal("rate_limited", a))).toBe(true);
    expect(await sent()).toEqual([]);
    expect(time.waits()).toEqual([500]);
    time.advance(500);
    expect(await sent()).toEqual([{ type: "message", text: "a", ref: a }]);
  });

  test("other refusals, and refusals of refs not pending, are left to the caller", () => {
    const { sender: s } = sender();
    s.attach(client, LIMITS, OPEN_ROOM, false);
    const a = s.queue("a");
    expect(s.retryIfPaced(refusal("too_long", a))).toBe(false);
    expect(s.retryIfPaced(refusal("rate_limited", "someone-else"))).toBe(false);
    expect(s.retryIfPaced({ type: "error", code: "rate_limited", message: "slow down" })).toBe(false);
    // Without slow-mode pacing, a slow_mode refusal is final: the person is told.
    expect(s.retryIfPaced(refusal("slow_mode", a))).toBe(false);
  });

  test("with slow-mode pacing a slow_mode refusal waits the room's slow mode, then goes again", async () => {
    const { sender: s, time } = sender({ paceSlowMode: true });
    s.attach(client, LIMITS, { slowMode: 3, readOnly: false }, false);
    const a = s.queue("a");
    expect(await sent()).toHaveLength(1);
    expect(s.retryIfPaced(refusal("slow_mode", a))).toBe(true);
    expect(time.waits()).toEqual([3_000]);
    time.advance(3_000);
    expect(await sent()).toEqual([{ type: "message", text: "a", ref: a }]);
  });
});

describe("slow mode", () => {
  test("when pacing for it, the next message waits out slow mode from the last acknowledgement", async () => {
    const { sender: s, time } = sender({ paceSlowMode: true });
    s.attach(client, LIMITS, { slowMode: 10, readOnly: false }, false);
    const a = s.queue("a");
    s.queue("b");
    expect((await sent()).map((f) => f.text)).toEqual(["a"]);
    time.advance(2_000);
    s.settle(a, true);
    expect(await sent()).toEqual([]);
    await expectHeldFor(time, 10_000, ["b"]);
  });

  test("a refusal does not start the slow-mode wait: only an acknowledgement does", async () => {
    const { sender: s } = sender({ paceSlowMode: true });
    s.attach(client, LIMITS, { slowMode: 10, readOnly: false }, false);
    const a = s.queue("a");
    s.queue("b");
    expect(await sent()).toHaveLength(1);
    s.settle(a, false);
    expect((await sent()).map((f) => f.text)).toEqual(["b"]);
  });

  test("a moderator is not held back, nor is a client that does not pace for it", async () => {
    for (const [hooks, moderator] of [
      [{ paceSlowMode: true }, true],
      [{}, false],
    ] as const) {
      const { sender: s } = sender(hooks);
      s.attach(client, LIMITS, { slowMode: 10, readOnly: false }, moderator);
      const a = s.queue("a");
      s.queue("b");
      s.settle(a, true);
      expect((await sent()).map((f) => f.text)).toEqual(["a", "b"]);
    }
  });

  test("slow mode turned off lets the waiting message go at once", async () => {
    const { sender: s } = sender({ paceSlowMode: true });
    s.attach(client, LIMITS, { slowMode: 30, readOnly: false }, false);
    const a = s.queue("a");
    s.queue("b");
    s.settle(a, true);
    expect((await sent()).map((f) => f.text)).toEqual(["a"]);
    s.settingsChanged({ slowMode: 0, readOnly: false });
    expect((await sent()).map((f) => f.text)).toEqual(["b"]);
  });
});

describe("typing and moderation", () => {
  test("typing goes at most once per two seconds, and only while connected", async () => {
    const { sender: s, time } = sender();
    expect(s.typing()).toBe(false);
    s.attach(client, LIMITS, OPEN_ROOM, false);
    expect(s.typing()).toBe(true);
    time.advance(1_999);
    expect(s.typing()).toBe(false);
    time.advance(1);
    expect(s.typing()).toBe(true);
    expect(await sent()).toEqual([{ type: "typing" }, { type: "typing" }]);
  });

  test("a typing frame dropped offline does not hold back the next one", async () => {
    const { sender: s } = sender();
    expect(s.typing()).toBe(false);
    s.attach(client, LIMITS, OPEN_ROOM, false);
    expect(s.typing()).toBe(true);
    expect(await sent()).toEqual([{ type: "typing" }]);
  });

  test("in a read-only room only a moderator's typing goes out", async () => {
    const readOnly = { slowMode: 0, readOnly: true };
    const member = sender().sender;
    member.attach(client, LIMITS, readOnly, false);
    expect(member.typing()).toBe(false);
    const moderator = sender().sender;
    moderator.attach(client, LIMITS, readOnly, true);
    expect(moderator.typing()).toBe(true);
    expect(await sent()).toEqual([{ type: "typing" }]);
  });

  test("a moderation request goes at once while connected and is refused, not queued, while offline", async () => {
    const { sender: s } = sender();
    expect(s.moderate({ type: "delete", target: 4 })).toEqual({ ok: false, reason: OFFLINE_REASON });
    s.attach(client, LIMITS, OPEN_ROOM, true);
    expect(await sent()).toEqual([]);
    expect(s.moderate({ type: "ban", name: "bob", seconds: 60 })).toEqual({ ok: true });
    expect(await sent()).toEqual([{ type: "ban", name: "bob", seconds: 60 }]);
  });
});
