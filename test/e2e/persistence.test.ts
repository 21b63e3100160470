// What a restart must not lose: every message stays stored across `wrangler dev` stopping and
// starting again on the same state folder, and a client resumes with since.

import { afterAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer, type DevServerOptions } from "../support/dev-server.ts";
import { chatUrl, openNodeSocket } from "../support/node-socket.ts";
import { roomState, storedMessages } from "../support/room-api.ts";
import { uniqueRoom } from "../support/rooms.ts";
import { closeAtEnd } from "../support/suite.ts";

const servers: DevServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

async function start(options: DevServerOptions = {}): Promise<DevServer> {
  const server = await startDevServer(options);
  servers.push(server);
  return server;
}

describe("durable history through a restart of wrangler dev", () => {
  it("finds the whole history after stopping and starting on the same --persist-to", async () => {
    const first = await start();
    const room = uniqueRoom("persist");
    const writer = closeAtEnd(await openNodeSocket(chatUrl(first, room, { name: "writer" }), { json: true }));
    const sent = Array.from({ length: 15 }, (_, i) => `message ${i + 1}`);
    for (const text of sent) writer.sendJson({ type: "message", text, ref: `ref-${text}` });
    await writer.waitFor(
      "all messages acknowledged",
      () => writer.messages().filter((m) => m.type === "message").length === sent.length,
    );
    writer.close();
    await first.stop();

    const second = await start({ persistTo: first.persistTo, port: first.port });
    const stored = await storedMessages(second, room);
    expect(stored.messages.map((m) => [m.id, m.type === "message" && m.text])).toEqual(
      sent.map((text, i) => [i + 1, text]),
    );

    const resumed = closeAtEnd(
      await openNodeSocket(chatUrl(second, room, { name: "writer", since: 10 }), { json: true }),
    );
    const welcome = await resumed.nextOf("welcome");
    expect(welcome.history.map((m) => m.id)).toEqual([11, 12, 13, 14, 15]);
    resumed.sendJson({ type: "message", text: "message 15", ref: "ref-message 15" });
    expect(await resumed.nextJson(), "the stored copy of a resent message").toMatchObject({
      id: 15,
      text: "message 15",
    });
    expect(await roomState(second, room)).toMatchObject({ lastMessageId: 15, online: 1 });
  });

  it("closes a new socket with 1013 room is full once MAX_SESSIONS are in the room", async () => {
    const server = await start({ vars: { MAX_SESSIONS: 2 } });
    const room = uniqueRoom("full");
    closeAtEnd(await openNodeSocket(chatUrl(server, room)));
    closeAtEnd(await openNodeSocket(chatUrl(server, room)));
    const third = closeAtEnd(await openNodeSocket(chatUrl(server, room), { json: true }));
    expect(await third.closed()).toEqual({ code: 1013, reason: "room is full" });
  });
});
