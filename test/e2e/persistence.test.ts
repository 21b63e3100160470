// What a restart must not lose: every message stays stored across `wrangler dev` stopping and
// starting again on the same state folder, and a client resumes with since.

import { afterAll, describe, expect, it } from "vitest";
import type { ChatMessage, WelcomeMessage } from "../../src/shared/protocol.ts";
import { startDevServer, type DevServer } from "../support/dev-server.ts";
import { openWs, wsUrl } from "../support/ws-client.ts";

const servers: DevServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

async function start(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  const server = await startDevServer(options);
  servers.push(server);
  return server;
}

describe("durable history through a restart of wrangler dev", () => {
  it("finds the whole history after stopping and starting on the same --persist-to", async () => {
    const first = await start();
    const room = `persist-${Date.now()}`;
    const writer = await openWs(wsUrl(first.url, `/chat/${room}?name=writer`), { json: true });
    const sent = Array.from({ length: 15 }, (_, i) => `message ${i + 1}`);
    try {
      for (const text of sent) writer.socket.send(JSON.stringify({ type: "message", text, ref: `ref-${text}` }));
      await writer.waitFor(
        () => writer.messages().filter((m) => m.type === "message").length === sent.length,
        "all messages acknowledged",
      );
    } finally {
      writer.close();
    }
    await first.stop();

    const second = await start({ persistTo: first.persistTo, port: first.port });
    const stored = (await (await fetch(`${second.url}/api/rooms/${room}/messages`)).json()) as {
      messages: ChatMessage[];
    };
    expect(stored.messages.map((m) => [m.id, m.text])).toEqual(sent.map((text, i) => [i + 1, text]));

    const resumed = await openWs(wsUrl(second.url, `/chat/${room}?name=writer&since=10`), { json: true });
    try {
      await resumed.waitFor((frames) => frames.length > 0, "the welcome");
      const welcome = resumed.messages()[0] as WelcomeMessage;
      expect(welcome.history.map((m) => m.id)).toEqual([11, 12, 13, 14, 15]);
      resumed.socket.send(JSON.stringify({ type: "message", text: "message 15", ref: "ref-message 15" }));
      await resumed.waitFor(() => resumed.messages().length === 2, "the stored copy of a resent message");
      expect(resumed.messages()[1]).toMatchObject({ id: 15, text: "message 15" });
      const info = await (await fetch(`${second.url}/api/rooms/${room}`)).json();
      expect(info).toMatchObject({ lastMessageId: 15, online: 1 });
    } finally {
      resumed.close();
    }
  });

  it("closes a new socket with 1013 room is full once MAX_SESSIONS are in the room", async () => {
    const server = await start({ vars: { MAX_SESSIONS: 2 } });
    const room = `full-${Date.now()}`;
    const a = await openWs(wsUrl(server.url, `/chat/${room}`));
    const b = await openWs(wsUrl(server.url, `/chat/${room}`));
    try {
      const c = await openWs(wsUrl(server.url, `/chat/${room}`), { json: true });
      expect(await c.closed).toEqual({ code: 1013, reason: "room is full" });
    } finally {
      a.close();
      b.close();
    }
  });
});
