// The terminal client's socket opener against real local servers: one that refuses the upgrade,
// one that accepts it, and a port nobody listens on.

import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { NodeSocketOpener } from "../../../src/cli/node-socket.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as { port: number };
  return `ws://127.0.0.1:${port}/chat`;
}

/** The close code `socket` ends with. */
function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once("close", (code) => resolve(code)));
}

describe("NodeSocketOpener", () => {
  test("keeps why a refused upgrade failed, which the close event alone does not say", async () => {
    const url = await listen(createServer((_request, response) => response.writeHead(403).end("no")));
    const sockets = new NodeSocketOpener();
    const socket = sockets.open(url, "chat.v1.json");
    expect(await closed(socket)).toBe(1006);
    expect(sockets.lastError).toContain("403");
  });

  test("keeps the system's reason when nothing listens", async () => {
    const url = await listen(createServer());
    await new Promise((done) => servers.pop()!.close(done));
    const sockets = new NodeSocketOpener();
    const socket = sockets.open(url);
    expect(await closed(socket)).toBe(1006);
    expect(sockets.lastError).toContain("ECONNREFUSED");
  });

  test("asks for the subprotocol it is given, none for the text framing, and reports no error when all is well", async () => {
    const server = createServer();
    const protocols: string[] = [];
    const wss = new WebSocketServer({ server, handleProtocols: (offered) => [...offered][0] ?? false });
    wss.on("connection", (socket, request) => {
      protocols.push(request.headers["sec-websocket-protocol"] ?? "(none)");
      socket.close(1000, "done");
    });
    const url = await listen(server);
    const sockets = new NodeSocketOpener();
    expect(await closed(sockets.open(url, "chat.v1.json"))).toBe(1000);
    expect(await closed(sockets.open(url))).toBe(1000);
    expect(protocols).toEqual(["chat.v1.json", "(none)"]);
    expect(sockets.lastError).toBeNull();
    wss.close();
  });
});
