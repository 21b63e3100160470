// The heartbeat on a real socket to a local server; only the clock is faked, so that a minute of
// pings takes no time.

import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Heartbeat, SILENCE_LIMIT_MS } from "../../../src/client/heartbeat.ts";
import type { SocketLike } from "../../../src/client/socket-like.ts";
import { HEARTBEAT_INTERVAL_MS, PING_FRAME } from "../../../src/shared/protocol.ts";

let server: WebSocketServer;
let client: WebSocket & SocketLike;
const frames: string[] = [];

beforeEach(async () => {
  frames.length = 0;
  server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((listening) => server.once("listening", listening));
  server.on("connection", (socket) => socket.on("message", (data) => frames.push(String(data))));
  const { port } = server.address() as { port: number };
  client = new WebSocket(`ws://127.0.0.1:${port}`) as WebSocket & SocketLike;
  await new Promise((open) => client.once("open", open));
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
});

afterEach(async () => {
  vi.useRealTimers();
  client.close();
  await new Promise((done) => server.close(done));
});

/** Waits until the server has `count` frames, or `waitMs` have passed. */
async function received(count: number, waitMs = 2_000): Promise<void> {
  const deadline = performance.now() + waitMs;
  while (frames.length < count && performance.now() < deadline) await new Promise((r) => setImmediate(r));
}

describe("the heartbeat", () => {
  test("sends the exact ping frame once per interval", async () => {
    const heartbeat = new Heartbeat();
    heartbeat.start(client, () => {});
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS - 1);
    await received(1, 100);
    expect(frames).toEqual([]);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    await received(2);
    expect(frames).toEqual([PING_FRAME, PING_FRAME]);
    heartbeat.stop();
  });

  test("gives a silent socket up once, after two intervals and some slack", () => {
    const heartbeat = new Heartbeat();
    const silent = vi.fn();
    heartbeat.start(client, silent);
    vi.advanceTimersByTime(SILENCE_LIMIT_MS);
    expect(silent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    expect(silent).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * HEARTBEAT_INTERVAL_MS);
    expect(silent).toHaveBeenCalledTimes(1);
  });

  test("a socket that keeps talking is never given up", () => {
    const heartbeat = new Heartbeat();
    const silent = vi.fn();
    heartbeat.start(client, silent);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      heartbeat.heard();
    }
    expect(silent).not.toHaveBeenCalled();
    heartbeat.stop();
  });

  test("once stopped, it sends nothing more", async () => {
    const heartbeat = new Heartbeat();
    heartbeat.start(client, () => {});
    heartbeat.stop();
    vi.advanceTimersByTime(5 * HEARTBEAT_INTERVAL_MS);
    await received(1, 100);
    expect(frames).toEqual([]);
  });
});
