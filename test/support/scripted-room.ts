// A room the unit tests script frame by frame: a real `ws` server on 127.0.0.1 that records each
// socket a client opens and leaves the answers to the test, or plays a plain room that
// welcomes and relays. The sockets and the network are real; only the room is the test's.

import { afterEach } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import {
  JSON_SUBPROTOCOL,
  type ChatMessage,
  type ClientMessage,
  type WelcomeMessage,
} from "../../src/shared/protocol.ts";

/** One socket a client opened, as the room sees it. */
export interface Visit {
  socket: WebSocket;
  path: string;
  params: URLSearchParams;
  /** The subprotocol the client asked for; "" for none. */
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
  /** Every text frame the client sent, as sent. */
  frames: string[];
  /** The JSON ones, parsed. */
  received: ClientMessage[];
}

/** A scripted room and the visits it has had. */
export interface ScriptedRoom {
  /** The base URL to give a client (http://127.0.0.1:PORT). */
  url: string;
  visits: Visit[];
  /** The next visit after those seen so far. */
  nextVisit(timeoutMs?: number): Promise<Visit>;
  close(): Promise<void>;
}

/** Starts a room on a free port; `onVisit` may answer each socket as it opens. */
export async function scriptedRoom(onVisit?: (visit: Visit) => void): Promise<ScriptedRoom> {
  const server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    handleProtocols: (offered) => (offered.has(JSON_SUBPROTOCOL) ? JSON_SUBPROTOCOL : false),
  });
  await new Promise((listening) => server.once("listening", listening));
  const visits: Visit[] = [];
  const waiting: (() => void)[] = [];
  server.on("connection", (socket, request) => {
    const url = new URL(request.url ?? "/", "http://room.test");
    const visit: Visit = {
      socket,
      path: url.pathname,
      params: url.searchParams,
      protocol: socket.protocol,
      headers: request.headers,
      frames: [],
      received: [],
    };
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      visit.frames.push(String(data));
      try {
        visit.received.push(JSON.parse(String(data)));
      } catch {
        // The text framing or /echo: kept in `frames` only.
      }
    });
    visits.push(visit);
    onVisit?.(visit);
    for (const wake of waiting.splice(0)) wake();
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    visits,
    async nextVisit(timeoutMs = 2_000) {
      const count = visits.length;
      const deadline = Date.now() + timeoutMs;
      while (visits.length <= count) {
        if (Date.now() > deadline) throw new Error(`no visit ${count + 1} within ${timeoutMs} ms`);
        await new Promise<void>((wake) => {
          waiting.push(wake);
          setTimeout(wake, 50);
        });
      }
      return visits[count]!;
    },
    close() {
      for (const client of server.clients) client.terminate();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

/**
 * `scriptedRoom` for the tests of one file: every room it starts is closed after the test that
 * started it. Call it once, at the top of the file.
 */
export function scriptedRooms(): typeof scriptedRoom {
  const rooms: ScriptedRoom[] = [];
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.close()));
  });
  return async (onVisit) => {
    const started = await scriptedRoom(onVisit);
    rooms.push(started);
    return started;
  };
}

/** A welcome into room `main` as `you`; `overrides` changes any field. */
export function welcome(you: string, overrides: Partial<WelcomeMessage> = {}): WelcomeMessage {
  const history = overrides.history ?? [];
  return {
    type: "welcome",
    room: "main",
    you,
    online: [you],
    onlineCount: 1,
    history,
    truncated: false,
    limits: { messageBytes: 4096, burst: 20, perSecond: 20 },
    lastMessageId: history.reduce((last, event) => Math.max(last, event.id), 0),
    settings: { slowMode: 0, readOnly: false },
    ...overrides,
  };
}

/** A stored chat message. */
export function chatMessage(id: number, name: string, text: string, ref?: string): ChatMessage {
  return { type: "message", id, name, text, at: Date.UTC(2030, 0, 1, 12, 0) + id, ...(ref && { ref }) };
}

/**
 * Plays a plain room on `visit`: welcomes it as `you` (after `history`), then relays each chat
 * message back as the next stored message, its ref kept. Returns the messages relayed so far.
 */
export function playRoom(visit: Visit, you: string, overrides: Partial<WelcomeMessage> = {}): ChatMessage[] {
  const relayed: ChatMessage[] = [];
  const hello = welcome(you, overrides);
  let lastId = hello.lastMessageId;
  visit.socket.send(JSON.stringify(hello));
  visit.socket.on("message", (data) => {
    let frame: { type?: unknown; text?: unknown; ref?: unknown };
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (frame.type !== "message" || typeof frame.text !== "string") return;
    const message = chatMessage(++lastId, you, frame.text, typeof frame.ref === "string" ? frame.ref : undefined);
    relayed.push(message);
    visit.socket.send(JSON.stringify(message));
  });
  return relayed;
}
