// A restart during steady traffic: `wrangler dev` is stopped while clients chat and started again
// on the same --persist-to and port. The clients are the real reconnecting core that the page and
// the terminal client use; each must resume with `since` and see every message once, in order,
// and the history after the restart must hold every message that anyone saw before it.

import { describe, expect, it } from "vitest";
import { NodeSocketOpener } from "../../src/cli/node-socket.ts";
import { ChatConnection } from "../../src/client/chat-connection.ts";
import type { ChatMessage } from "../../src/shared/protocol.ts";
import { roomState, storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { useDevServer } from "../support/suite.ts";
import { sleep, waitUntil } from "../support/wait.ts";

const server = useDevServer();

interface Chatter {
  connection: ChatConnection;
  /** What this client showed its user, in order. */
  seen: ChatMessage[];
  sentTexts: string[];
  /** How many times a welcome arrived after the first (a resume). */
  resumes: number;
}

describe("restart during steady traffic", () => {
  it("loses, repeats and reorders nothing for any client, and the history keeps every message anyone saw", async () => {
    const room = uniqueRoom("restart");
    const chatters: Chatter[] = Array.from({ length: 8 }, (_, i) => {
      const chatter: Chatter = {
        seen: [],
        sentTexts: [],
        resumes: 0,
        connection: new ChatConnection({
          url: server.url,
          room,
          name: `chatter ${i}`,
          history: 0,
          // The terminal client's own opener: what a person's reconnects go through.
          openSocket: new NodeSocketOpener().open,
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
      await waitUntil("all 8 connected", () => chatters.every((c) => c.connection.state.kind === "connected"));

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
      await server.stop();
      for (const chatter of chatters) for (const message of chatter.seen) seenBeforeStop.set(message.id, message.text);
      expect(seenBeforeStop.size).toBeGreaterThan(20);
      await sleep(1_000);
      await server.startAgain();

      await waitUntil(
        "every client resumed",
        () => chatters.every((c) => c.resumes > 0 && c.connection.state.kind === "connected"),
        45_000,
      );
      await sleep(3_000);
      clearInterval(sending);
      sending = null;
      await waitUntil(
        "every line acknowledged",
        () => chatters.every((c) => c.connection.pending.length === 0),
        30_000,
      );
      const lastId = (await roomState(server, room)).lastMessageId;
      await waitUntil("every client at the room's last id", () => chatters.every((c) => c.seen.at(-1)?.id === lastId));

      // Each client's view: ids 1..last, each once, in order.
      chatters.forEach((chatter, i) => {
        expect(
          chatter.seen.map((m) => m.id),
          `chatter ${i}`,
        ).toEqual(Array.from({ length: lastId }, (_, k) => k + 1));
      });
      // The history after the restart: everything anyone saw before the stop, same text.
      const stored = (await storedMessages(server, room, "since=0&limit=1000")).messages;
      expect(stored.map((m) => m.id)).toEqual(Array.from({ length: lastId }, (_, k) => k + 1));
      const storedText = new Map(stored.map((m) => [m.id, m.type === "message" && m.text]));
      for (const [id, text] of seenBeforeStop) expect(storedText.get(id), `message ${id}`).toBe(text);
      // Every line typed was stored exactly once: resends after the restart made no duplicate.
      const typed = chatters.flatMap((c) => c.sentTexts).sort();
      expect(stored.map((m) => m.type === "message" && m.text).sort()).toEqual(typed);
    } finally {
      if (sending !== null) clearInterval(sending);
      chatters.forEach((chatter) => chatter.connection.stop());
    }
  });
});
