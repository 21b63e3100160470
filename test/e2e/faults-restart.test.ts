// A restart during steady traffic: `wrangler dev` is stopped while clients chat and started again
// on the same --persist-to and port. The clients are the real reconnecting core that the page and
// the terminal client use; each must resume with `since` and see every message once, in order,
// and the history after the restart must hold every message that anyone saw before it.

import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ChatConnection, type SocketLike } from "../../src/client/chat-connection.ts";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { startDevServer, type DevServer } from "../support/dev-server.ts";
import { assertNoUncaught, eventually, roomState, sleep, uniqueRoom } from "../support/probe-client.ts";

const servers: DevServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

interface Chatter {
  connection: ChatConnection;
  /** What this client showed its user, in order. */
  seen: ChatMessage[];
  sentTexts: string[];
  /** How many times a welcome arrived after the first (a resume). */
  resumes: number;
}

function openSocket(url: string, protocol: string): SocketLike {
  const socket = new WebSocket(url, [protocol], { handshakeTimeout: 5_000 });
  // Without a listener, ws would throw a refused connection (the server is down) as an error.
  socket.on("error", () => {});
  return socket as WebSocket & SocketLike;
}

describe("restart during steady traffic", () => {
  it("loses, repeats and reorders nothing for any client, and the history keeps every message anyone saw", async () => {
    const first = await startDevServer();
    servers.push(first);
    const room = uniqueRoom("restart");
    const chatters: Chatter[] = Array.from({ length: 8 }, (_, i) => {
      const chatter: Chatter = {
        seen: [],
        sentTexts: [],
        resumes: 0,
        connection: new ChatConnection({
          url: first.url,
          room,
          name: `chatter ${i}`,
          history: 0,
          openSocket,
          events: {
            message: (message) => chatter.seen.push(message),
            welcome: (_welcome, resumed) => {
              if (resumed) chatter.resumes++;
            },
          },
        }),
      };
      return chatter;
    });
    let sending: ReturnType<typeof setInterval> | null = null;
    try {
      chatters.forEach((chatter) => chatter.connection.start());
      await eventually("all 8 connected", () => chatters.every((c) => c.connection.state.kind === "connected"));

      // Steady traffic: each client types a line every 300 ms, online or not (the core queues).
      let tick = 0;
      sending = setInterval(() => {
        chatters.forEach((chatter, i) => {
          const text = `line ${tick} from ${i}`;
          chatter.sentTexts.push(text);
          chatter.connection.send(text);
        });
        tick++;
      }, 300);
      await sleep(3_000);

      const seenBeforeStop = new Map<number, string>();
      await first.stop();
      for (const chatter of chatters) for (const message of chatter.seen) seenBeforeStop.set(message.id, message.text);
      expect(seenBeforeStop.size).toBeGreaterThan(20);
      await sleep(1_000);
      const second = await startDevServer({ persistTo: first.persistTo, port: first.port });
      servers.push(second);

      await eventually(
        "every client resumed",
        () => chatters.every((c) => c.resumes > 0 && c.connection.state.kind === "connected"),
        45_000,
      );
      await sleep(3_000);
      clearInterval(sending);
      sending = null;
      await eventually(
        "every line acknowledged",
        () => chatters.every((c) => c.connection.pending.length === 0),
        30_000,
      );
      const lastId = (await roomState(second, room)).lastMessageId;
      await eventually("every client at the room's last id", () => chatters.every((c) => c.seen.at(-1)?.id === lastId));

      // Each client's view: ids 1..last, each once, in order.
      chatters.forEach((chatter, i) => {
        expect(
          chatter.seen.map((m) => m.id),
          `chatter ${i}`,
        ).toEqual(Array.from({ length: lastId }, (_, k) => k + 1));
      });
      // The history after the restart: everything anyone saw before the stop, same text.
      const response = await fetch(`${second.url}/api/rooms/${room}/messages?since=0&limit=1000`);
      const stored = ((await response.json()) as { messages: ChatMessage[] }).messages;
      expect(stored.map((m) => m.id)).toEqual(Array.from({ length: lastId }, (_, k) => k + 1));
      const storedText = new Map(stored.map((m) => [m.id, m.text]));
      for (const [id, text] of seenBeforeStop) expect(storedText.get(id), `message ${id}`).toBe(text);
      // Every line typed was stored exactly once: resends after the restart made no duplicate.
      const typed = chatters.flatMap((c) => c.sentTexts).sort();
      expect(stored.map((m) => m.text).sort()).toEqual(typed);
      assertNoUncaught(second);
    } finally {
      if (sending !== null) clearInterval(sending);
      chatters.forEach((chatter) => chatter.connection.stop());
    }
  });
});
